"""从旧兼从轻 (行政处罚法第三十七条): the version in force when the act ended, unless the newer one is lighter."""
import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from fazhi.laws.citations import chinese_to_int
from fazhi.laws.loading import import_version
from fazhi.laws.versions import applicable_version, version_state

from .conftest import law_text, version_data

pytestmark = pytest.mark.django_db

NEW_DAY = dt.date(2025, 3, 1)


def max_fine(version) -> int:
    """The maximum fine of the penalty article, read from its text (处一千元以下罚款)."""
    text = version.provisions.articles().get(article=4).text
    return chinese_to_int(re.search(r"处(.+?)元以下罚款", text).group(1))


def lower_maximum(newer, older) -> bool:
    return max_fine(newer) < max_fine(older)


@pytest.fixture
def two_versions(legal_reviewer):
    old = import_version(version_data(dt.date(2024, 1, 1)), law_text(fine="一千元"), actor=legal_reviewer).version
    new = import_version(version_data(NEW_DAY), law_text(fine="五百元"), actor=legal_reviewer).version
    old.refresh_from_db()
    return old, new


def test_an_act_ended_the_day_before_the_new_version_falls_under_the_old_one(two_versions):
    old, new = two_versions
    chosen = applicable_version(old.law, NEW_DAY - dt.timedelta(days=1), dt.date(2025, 6, 1))
    assert chosen.version == old and not chosen.newer_applied
    assert "未比较新旧规定的轻重" in chosen.explanation and "第三十七条" in chosen.explanation


def test_an_act_ended_on_the_effective_day_falls_under_the_new_one(two_versions):
    old, new = two_versions
    chosen = applicable_version(old.law, NEW_DAY, dt.date(2025, 6, 1), lighter=lambda n, o: False)
    assert chosen.version == new and not chosen.newer_applied
    assert "均为" in chosen.explanation


def test_a_lighter_new_version_applies_to_an_earlier_act(two_versions):
    old, new = two_versions
    assert max_fine(old) == 1000 and max_fine(new) == 500
    chosen = applicable_version(old.law, NEW_DAY - dt.timedelta(days=1), NEW_DAY, lighter=lower_maximum)
    assert chosen.version == new and chosen.newer_applied
    assert "新的规定处罚较轻" in chosen.explanation and "适用新的规定" in chosen.explanation


def test_a_heavier_new_version_does_not_apply_to_an_earlier_act(two_versions):
    old, new = two_versions
    chosen = applicable_version(old.law, dt.date(2024, 6, 1), dt.date(2025, 6, 1),
                                lighter=lambda newer, older: lower_maximum(older, newer))
    assert chosen.version == old
    assert "新的规定处罚不轻于旧的规定" in chosen.explanation


def test_a_decision_before_the_new_version_never_considers_it(two_versions):
    old, _ = two_versions
    chosen = applicable_version(old.law, dt.date(2024, 6, 1), NEW_DAY - dt.timedelta(days=1),
                                lighter=lambda n, o: True)
    assert chosen.version == old


def test_the_law_may_be_named_by_its_title(two_versions):
    old, _ = two_versions
    assert applicable_version("《测试卫生管理办法》", dt.date(2024, 6, 1), dt.date(2024, 7, 1)).version == old


def test_no_choice_without_the_text_in_force_at_decision():
    # The seeded 传染病防治法 ends on 2025-09-01 and its successor is not loaded.
    with pytest.raises(ValidationError, match="无法按《行政处罚法》第三十七条比较新旧规定.*新文本尚未导入"):
        applicable_version("传染病防治法", dt.date(2025, 8, 1), dt.date(2025, 9, 1))
    chosen = applicable_version("传染病防治法", dt.date(2025, 8, 1), dt.date(2025, 8, 31))
    assert chosen.version.effective_to == dt.date(2025, 9, 1)


def test_no_choice_for_an_act_before_the_first_text(two_versions):
    old, _ = two_versions
    with pytest.raises(ValidationError, match="无法确定违法行为终了时.*尚未施行"):
        applicable_version(old.law, dt.date(2023, 1, 1), dt.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="不能早于违法行为终了之日"):
        applicable_version(old.law, dt.date(2024, 6, 1), dt.date(2024, 5, 1))


def test_version_state_labels_a_superseded_text(two_versions):
    old, new = two_versions
    assert version_state(old, dt.date(2025, 6, 1)).label == "已被修订"
    assert version_state(old, NEW_DAY - dt.timedelta(days=1)).badge == "badge-warn"
    assert version_state(new, dt.date(2025, 6, 1)).label == "现行有效"
    assert version_state(new, dt.date(2025, 1, 1)).label == "尚未施行"
