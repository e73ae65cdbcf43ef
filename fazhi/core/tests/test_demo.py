"""The demo: every role has an account in each model county, and loading twice adds nothing."""
from django.core.management import call_command

from fazhi.core.audit import verify_chain
from fazhi.core.certificates import may_enforce
from fazhi.core.choices import Role, SupervisionDomain
from fazhi.core.demo import INSTITUTE_SECTIONS, load_demo
from fazhi.core.models import AuditEvent, EnforcementCertificate, Organisation, User


def test_it_gives_every_role_an_account_in_both_counties(db):
    accounts = load_demo()
    for prefix in ("kp", "hc"):
        for role in Role:
            assert User.objects.filter(username__startswith=f"{prefix}_", role_assignments__role=role).exists(), role
    assert {a.username for a in accounts} >= {"kp_officer", "hc_admin", "kp_city_admin"}


def test_it_loads_twice_without_duplicates_or_password_resets(db):
    load_demo()
    officer = User.objects.get(username="kp_officer")
    officer.set_password("Changed#2026pw")
    officer.save()
    counts = (User.objects.count(), Organisation.objects.count(), EnforcementCertificate.objects.count())
    creates = AuditEvent.objects.filter(action="create").count()
    load_demo()
    assert (User.objects.count(), Organisation.objects.count(), EnforcementCertificate.objects.count()) == counts
    assert AuditEvent.objects.filter(action="create").count() == creates
    officer.refresh_from_db()
    assert officer.check_password("Changed#2026pw")


def test_it_builds_the_real_chains_with_certified_officers(db):
    load_demo()
    kaiping = Organisation.objects.get(name="开平市卫生健康局")
    assert [o.name for o in Organisation.objects.filter(path__in=_prefixes(kaiping.path))] == [
        "广东省卫生健康委员会", "江门市卫生健康局", "开平市卫生健康局"]
    officer = User.objects.get(username="kp_officer")
    assert officer.organisation.bureau == kaiping
    domain = officer.certificates.get().domains.first().code
    assert may_enforce(officer, domain, officer.certificates.get().valid_from).allowed
    assert verify_chain().intact


def test_it_covers_every_supervision_domain_with_a_section():
    assert {d for _, _, domains in INSTITUTE_SECTIONS for d in domains} == set(SupervisionDomain.values)


def test_it_prints_one_account_per_role(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for label in Role.labels:
        assert label in out
    assert "首次登录须修改" in out


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
