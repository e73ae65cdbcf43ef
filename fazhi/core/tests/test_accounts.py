"""Account security under 等保2.0: password rules, lockout, idle timeout, forced first change, sign-in audit.

Every number comes from ACCOUNT_RULES, so each test sits on the boundary the rule table declares.
"""
import datetime as dt
import string
from itertools import combinations
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import MinimumLengthValidator, validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings as hypothesis_settings, strategies as st

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction, Role
from fazhi.core.middleware import SESSION_LAST_SEEN
from fazhi.core.models import AuditEvent
from fazhi.core.passwords import CharacterClassValidator
from fazhi.core.rules import ACCOUNT_RULES
from fazhi.core.tests import factories as f

CLASSES = {
    "大写字母": string.ascii_uppercase,
    "小写字母": string.ascii_lowercase,
    "数字": string.digits,
    "特殊符号": "#!@%&*-_=+?",
}
NEW_PASSWORD = "Kaiping#2026new"


def make_password(length: int, *class_names: str) -> str:
    """A password of exactly `length` characters using exactly the named classes, in a non-sequential order."""
    alphabets = [CLASSES[name] for name in class_names]
    return "".join(
        alphabets[i % len(alphabets)][(i * 7 + 3) % len(alphabets[i % len(alphabets)])] for i in range(length)
    )


def error_codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- password rules -------------------------------------------------------------------------------------------

THREE_CLASSES = ("大写字母", "小写字母", "数字")


def test_it_refuses_a_password_one_character_below_the_minimum_length():
    password = make_password(ACCOUNT_RULES.password_min_length - 1, *THREE_CLASSES)
    assert "password_too_short" in error_codes(password)


def test_it_accepts_a_password_of_exactly_the_minimum_length_with_enough_classes():
    password = make_password(ACCOUNT_RULES.password_min_length, *THREE_CLASSES)
    assert error_codes(password) == set()


def test_it_refuses_one_class_fewer_than_required_and_names_the_classes_in_chinese():
    used = ("大写字母", "小写字母", "数字", "特殊符号")[: ACCOUNT_RULES.password_min_character_classes - 1]
    password = make_password(ACCOUNT_RULES.password_min_length + 4, *used)
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    messages = caught.value.messages
    assert f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{ACCOUNT_RULES.password_min_character_classes}类" \
           f"（当前只有：{'、'.join(used)}）。" in messages


@pytest.mark.parametrize("used", list(combinations(CLASSES, ACCOUNT_RULES.password_min_character_classes)))
def test_it_accepts_any_choice_of_the_required_number_of_classes(used):
    assert error_codes(make_password(ACCOUNT_RULES.password_min_length, *used)) == set()


OWN_VALIDATORS = [MinimumLengthValidator(ACCOUNT_RULES.password_min_length), CharacterClassValidator()]
# Characters outside every class (Chinese, spaces) test that only the four classes count.
ALPHABET = "".join(CLASSES.values()) + "法治 "


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=ACCOUNT_RULES.password_min_length * 2))
def test_it_accepts_exactly_the_passwords_long_enough_with_enough_classes(password):
    classes = sum(1 for chars in CLASSES.values() if set(password) & set(chars))
    expected = len(password) >= ACCOUNT_RULES.password_min_length and (
        classes >= ACCOUNT_RULES.password_min_character_classes
    )
    try:
        validate_password(password, password_validators=OWN_VALIDATORS)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == expected


# --- lockout --------------------------------------------------------------------------------------------------

def fail_sign_in(client, user, times: int):
    responses = [sign_in(client, user.username, "wrong-password") for _ in range(times)]
    return responses[-1]


def move_failures_back(minutes: float) -> None:
    """Pretend the failed attempts happened `minutes` ago (axes reads its own clock, so move the records)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=minutes))


def test_it_lets_the_right_password_in_after_one_failure_fewer_than_the_limit(client, officer):
    fail_sign_in(client, officer, ACCOUNT_RULES.lockout_failures - 1)
    response = sign_in(client, officer.username, f.TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert signed_in_as(client) == str(officer.pk)


def test_it_locks_the_account_at_the_failure_limit_and_says_so_in_chinese(client, officer):
    last = fail_sign_in(client, officer, ACCOUNT_RULES.lockout_failures)
    assert last.status_code == 429
    response = sign_in(client, officer.username, f.TEST_PASSWORD)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    page = response.content.decode()
    assert "账号已锁定" in page
    assert f"账号已锁定{ACCOUNT_RULES.lockout_minutes}分钟" in page
    assert f"连续输错{ACCOUNT_RULES.lockout_failures}次" in page


def test_it_keeps_the_account_locked_until_the_cool_off_has_passed(client, officer):
    fail_sign_in(client, officer, ACCOUNT_RULES.lockout_failures)
    move_failures_back(ACCOUNT_RULES.lockout_minutes - 1)
    assert sign_in(client, officer.username, f.TEST_PASSWORD).status_code == 429
    # Two minutes on, the lock counted from the last failure is over: the try during the lock did not prolong it.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=2))
    response = sign_in(client, officer.username, f.TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(officer.pk)


def test_it_locks_only_the_account_not_everyone_at_the_same_address(client, officer, leader):
    fail_sign_in(client, officer, ACCOUNT_RULES.lockout_failures)
    response = sign_in(client, leader.username, f.TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(leader.pk)


# --- idle timeout ---------------------------------------------------------------------------------------------

def idle_for(client, seconds: int) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = int(timezone.now().timestamp()) - seconds
    session.save()


def test_it_signs_out_after_the_idle_timeout_and_says_why(client, officer):
    client.force_login(officer)
    idle_for(client, ACCOUNT_RULES.idle_timeout_minutes * 60 + 1)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"
    assert signed_in_as(client) is None
    page = client.get(response.url).content.decode()
    assert f"您已超过{ACCOUNT_RULES.idle_timeout_minutes}分钟未操作，请重新登录。" in page
    logout = AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=officer).get()
    assert logout.detail["reason"] == "idle_timeout"


def test_it_keeps_the_session_one_minute_before_the_idle_timeout(client, officer):
    client.force_login(officer)
    idle_for(client, (ACCOUNT_RULES.idle_timeout_minutes - 1) * 60)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert signed_in_as(client) == str(officer.pk)


def test_it_starts_the_idle_clock_at_sign_in(client, officer):
    sign_in(client, officer.username, f.TEST_PASSWORD)
    assert abs(client.session[SESSION_LAST_SEEN] - timezone.now().timestamp()) < 60


def test_it_explains_the_idle_sign_out_when_the_clock_really_moves(client, officer):
    sign_in(client, officer.username, f.TEST_PASSWORD)
    later = timezone.now() + dt.timedelta(minutes=ACCOUNT_RULES.idle_timeout_minutes, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(reverse("core:home"), follow=True)
    assert f"您已超过{ACCOUNT_RULES.idle_timeout_minutes}分钟未操作" in response.content.decode()


# --- forced change of the initial password --------------------------------------------------------------------

@pytest.fixture
def newcomer(bureaus):
    return f.staff(bureaus["kaiping_institute"], Role.OFFICER, username="newcomer", full_name="刘新人",
                   must_change_password=True)


@pytest.mark.parametrize("path", ["/", "/portal/", "/manage/", "/accounts/login/", "/no-such-page/"])
def test_it_sends_a_newcomer_from_every_page_to_the_password_form(client, newcomer, path):
    client.force_login(newcomer)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("password_change")


def test_it_refuses_the_api_to_a_newcomer_with_a_chinese_reason(client, newcomer, officer):
    client.force_login(newcomer)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 403
    assert response.json() == {"detail": "请先修改初始密码。"}
    client.force_login(officer)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_it_shows_the_password_form_in_chinese(client, newcomer):
    client.force_login(newcomer)
    page = client.get(reverse("password_change")).content.decode()
    for text in ("修改密码", "首次登录须修改初始密码", "旧密码", "新密码", "保存新密码"):
        assert text in page


def test_it_opens_the_home_page_once_the_initial_password_is_changed(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("password_change"), {
        "old_password": f.TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert newcomer.check_password(NEW_PASSWORD)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "刘新人，您好" in home.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=newcomer).count() == 1


def test_it_refuses_a_new_password_that_breaks_the_rules_with_a_chinese_error_on_the_field(client, newcomer):
    client.force_login(newcomer)
    weak = make_password(ACCOUNT_RULES.password_min_length, "小写字母")
    response = client.post(reverse("password_change"), {
        "old_password": f.TEST_PASSWORD, "new_password1": weak, "new_password2": weak,
    })
    assert response.status_code == 200
    expected = (f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{ACCOUNT_RULES.password_min_character_classes}"
                f"类（当前只有：小写字母）。")
    assert expected in response.context["form"].errors["new_password2"]
    assert expected in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True
    assert newcomer.check_password(f.TEST_PASSWORD)


# --- sign-in audit --------------------------------------------------------------------------------------------

def test_it_audits_sign_in_failed_sign_in_and_sign_out_and_the_chain_holds(client, officer):
    sign_in(client, officer.username, "wrong-password")
    sign_in(client, officer.username, f.TEST_PASSWORD)
    client.post(reverse("logout"))
    events = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_id", "object_repr"))
    assert events == [
        (AuditAction.LOGIN_FAILED, None, officer.username),
        (AuditAction.LOGIN, officer.pk, str(officer)),
        (AuditAction.LOGOUT, officer.pk, str(officer)),
    ]
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).detail["ip"] == "127.0.0.1"
    check = verify_chain()
    assert check.intact, check
    assert check.checked == 3


def test_it_signs_out_only_by_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_as(client) == str(officer.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert signed_in_as(client) is None
