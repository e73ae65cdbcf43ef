"""Loading texts: the seeded library, idempotence, supersession of the version before, audit, the command."""
import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from fazhi.core.models import AuditEvent
from fazhi.laws.choices import VersionStatus
from fazhi.laws.loading import import_version, load_seed
from fazhi.laws.models import Law, LawVersion, Provision

from .conftest import law_text, version_data

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_every_shipped_text():
    assert Law.objects.count() == 28
    assert LawVersion.objects.count() == 28
    punish = LawVersion.objects.get(law__short_title="行政处罚法")
    assert punish.law.title == "中华人民共和国行政处罚法"
    assert punish.effective_from == dt.date(2021, 7, 15) and punish.promulgated_on == dt.date(2021, 1, 22)
    assert punish.status == VersionStatus.IN_FORCE and punish.effective_to is None
    assert punish.provisions.articles().count() == 86
    assert punish.version_label.startswith("2021年1月22日")
    infectious = LawVersion.objects.get(law__short_title="传染病防治法")
    assert infectious.status == VersionStatus.SUPERSEDED
    assert infectious.effective_to == dt.date(2025, 9, 1)
    assert "新文本尚未载入" in infectious.caveats
    assert "2022年" in LawVersion.objects.get(law__short_title="医疗机构管理条例").caveats
    assert Law.objects.get(short_title="信访工作条例").level == "party_regulation"


def test_loading_the_seed_again_changes_nothing():
    before = (LawVersion.objects.count(), Provision.objects.count())
    results = load_seed()
    assert len(results) == 28 and not any(r.created for r in results)
    assert (LawVersion.objects.count(), Provision.objects.count()) == before


def test_a_new_law_is_created_with_its_provisions_and_audited(legal_reviewer):
    result = import_version(version_data(dt.date(2024, 1, 1), caveats="未与官方文本核对。"), law_text(),
                            actor=legal_reviewer)
    version = result.version
    assert result.created and result.law_created
    assert version.imported_by == legal_reviewer
    assert version.provisions.articles().count() == 4
    assert version.status == VersionStatus.IN_FORCE and version.effective_to is None
    events = AuditEvent.objects.filter(actor=legal_reviewer)
    assert {(e.object_type, e.action) for e in events} == {("laws.law", "create"), ("laws.lawversion", "create")}
    version_event = events.get(object_type="laws.lawversion")
    assert version_event.detail == {"provisions": version.provisions.count(), "articles": 4}
    assert version_event.after["body_sha256"] == version.body_sha256
    assert "body" not in version_event.after


def test_the_same_text_again_is_a_no_op(legal_reviewer):
    first = import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=legal_reviewer)
    events = AuditEvent.objects.count()
    again = import_version(version_data(dt.date(2024, 5, 1), label="另一说明"), law_text().replace("\n", "\r\n"),
                           actor=legal_reviewer)
    assert not again.created and again.version == first.version
    assert LawVersion.objects.filter(law__short_title="测试卫生管理办法").count() == 1
    assert AuditEvent.objects.count() == events


def test_a_newer_version_supersedes_the_one_before(legal_reviewer):
    old = import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=legal_reviewer).version
    new = import_version(version_data(dt.date(2025, 3, 1)), law_text(fine="五百元", extra_article=True),
                         actor=legal_reviewer)
    old.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED and old.effective_to == dt.date(2025, 3, 1)
    assert new.version.status == VersionStatus.IN_FORCE and new.version.effective_to is None
    assert new.adjusted == [(old, {"effective_to": None, "status": "in_force"})]
    update = AuditEvent.objects.get(object_type="laws.lawversion", object_id=str(old.pk), action="update")
    assert update.before == {"effective_to": None, "status": "in_force"}
    assert update.after == {"effective_to": "2025-03-01", "status": "superseded"}
    # The old text and its provisions are kept.
    assert old.provisions.articles().count() == 4 and new.version.provisions.articles().count() == 5


def test_an_older_version_loaded_later_ends_where_the_newer_begins(legal_reviewer):
    new = import_version(version_data(dt.date(2025, 3, 1)), law_text(fine="五百元"), actor=legal_reviewer).version
    old = import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=legal_reviewer).version
    assert old.effective_to == dt.date(2025, 3, 1) and old.status == VersionStatus.SUPERSEDED
    new.refresh_from_db()
    assert new.effective_to is None and new.status == VersionStatus.IN_FORCE


def test_the_new_infectious_disease_law_takes_over_from_the_seeded_text(legal_reviewer):
    data = version_data(dt.date(2025, 9, 1), title="中华人民共和国传染病防治法", short_title="传染病防治法",
                        label="2025年4月30日修订")
    result = import_version(data, law_text("中华人民共和国传染病防治法"), actor=legal_reviewer)
    assert not result.law_created and result.adjusted == []  # the 2013 text already ends on 2025-09-01
    assert result.version.law.short_title == "传染病防治法"
    assert LawVersion.objects.filter(law=result.version.law).count() == 2


def test_another_text_on_the_same_day_is_refused(legal_reviewer):
    import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=legal_reviewer)
    with pytest.raises(ValidationError, match="已有自2024年1月1日起施行的版本"):
        import_version(version_data(dt.date(2024, 1, 1)), law_text(fine="二千元"), actor=legal_reviewer)


def test_a_broken_text_loads_nothing(legal_reviewer):
    broken = law_text().replace("第三条", "第五条")
    with pytest.raises(ValidationError, match="第二条之后应为第三条"):
        import_version(version_data(dt.date(2024, 1, 1)), broken, actor=legal_reviewer)
    assert not Law.objects.filter(short_title="测试卫生管理办法").exists()


def test_titles_of_two_different_laws_are_refused(legal_reviewer):
    data = version_data(dt.date(2024, 1, 1), title="中华人民共和国行政处罚法", short_title="行政强制法")
    with pytest.raises(ValidationError, match="分属库中两部不同的法律法规"):
        import_version(data, law_text(), actor=legal_reviewer)


def test_only_admins_and_legal_reviewers_may_import(officer, admin):
    with pytest.raises(PermissionDenied):
        import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=officer)
    assert import_version(version_data(dt.date(2024, 1, 1)), law_text(), actor=admin).created


def test_the_load_laws_command_is_idempotent(tmp_path):
    out = StringIO()
    call_command("load_laws", stdout=out)
    assert "新载入0部，28部已在库中未变" in out.getvalue()


def test_the_load_laws_command_loads_a_directory_all_or_nothing(tmp_path):
    manifest = ("file\ttitle\tlevel\tpromulgating_body\tlatest_amendment_or_effective_date\tsource_path\tcommit\t"
                "repo_file_date\tnotes\n")
    (tmp_path / "测试卫生管理办法.md").write_text(law_text(), encoding="utf-8")
    (tmp_path / "坏办法.md").write_text("没有条文", encoding="utf-8")
    good = "测试卫生管理办法.md\t测试卫生管理办法\t部门规章\t测试部\t2024年1月1日 发布\t测试\t\t\t\n"
    bad = "坏办法.md\t坏办法\t部门规章\t测试部\t2024年1月1日 发布\t测试\t\t\t\n"
    (tmp_path / "MANIFEST.tsv").write_text(manifest + good + bad, encoding="utf-8")
    with pytest.raises(Exception, match="没有找到条文"):
        call_command("load_laws", str(tmp_path), stdout=StringIO())
    assert not Law.objects.filter(short_title="测试卫生管理办法").exists()
    (tmp_path / "MANIFEST.tsv").write_text(manifest + good, encoding="utf-8")
    out = StringIO()
    call_command("load_laws", str(tmp_path), stdout=out)
    assert "已载入《测试卫生管理办法》" in out.getvalue()
    assert Law.objects.get(short_title="测试卫生管理办法").level == "ministry_rule"
