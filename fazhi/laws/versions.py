"""Which version of a law a case is judged under (从旧兼从轻, 行政处罚法第三十七条).

实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，法律、法规、规章已被修改或者
废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。

A continuing act is dated by the day it ended (第三十六条), so the old rule is the version in force on that
day; whether the new one is lighter depends on the provision in question, so the caller says how to compare.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import ValidationError

from .citations import find_law, version_in_force

ARTICLE_37 = "《行政处罚法》第三十七条"


class ApplicableVersion(NamedTuple):
    version: object
    explanation: str
    newer_applied: bool


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _name(version) -> str:
    return f"《{version.law.short_title}》（{version.version_label}）"


def applicable_version(law, act_ended_on: dt.date, decided_on: dt.date,
                       lighter: Callable[[object, object], bool] | None = None) -> ApplicableVersion:
    """The version to judge under, with a Chinese explanation citing 第三十七条.

    `law` is a Law or its title. `lighter(newer, older)` says whether the newer version punishes the act
    more lightly (e.g. a lower maximum fine in the penalty provision); without it the older version applies
    and the explanation says no comparison was made. Raises ValidationError when the version in force on
    either day is not in the library: the choice cannot be made without both texts.
    """
    if decided_on < act_ended_on:
        raise ValidationError("作出处罚决定的日期不能早于违法行为终了之日。")
    if isinstance(law, str):
        law = find_law(law)
    try:
        older = version_in_force(law, act_ended_on)
    except ValidationError as exc:
        raise ValidationError(f"无法确定违法行为终了时（{_day(act_ended_on)}）适用的版本：{exc.messages[0]}") from exc
    try:
        newer = version_in_force(law, decided_on)
    except ValidationError as exc:
        raise ValidationError(
            f"无法按{ARTICLE_37}比较新旧规定：{exc.messages[0]}请先导入作出决定时施行的文本。") from exc
    if newer.pk == older.pk:
        return ApplicableVersion(older, (
            f"违法行为终了时（{_day(act_ended_on)}）与作出决定时（{_day(decided_on)}）施行的均为{_name(older)}，"
            f"依照{ARTICLE_37}适用该版本。"), False)
    if lighter is not None and lighter(newer, older):
        return ApplicableVersion(newer, (
            f"违法行为终了时（{_day(act_ended_on)}）施行的是{_name(older)}；作出决定时该法已修改，"
            f"{_name(newer)}自{_day(newer.effective_from)}起施行，且新的规定处罚较轻，"
            f"依照{ARTICLE_37}适用新的规定。"), True)
    reason = "新的规定处罚不轻于旧的规定" if lighter is not None else "未比较新旧规定的轻重"
    return ApplicableVersion(older, (
        f"违法行为终了时（{_day(act_ended_on)}）施行的是{_name(older)}；作出决定时已施行"
        f"{_name(newer)}（自{_day(newer.effective_from)}起），{reason}，依照{ARTICLE_37}适用违法行为发生时的规定。"),
        False)


class VersionState(NamedTuple):
    label: str
    badge: str  # CSS class of the badge: badge-ok, badge-warn, badge-bad
    note: str  # one sentence for the page, empty when there is nothing to say


def version_state(version, on: dt.date | None = None) -> VersionState:
    """How a version stands on `on` (default today), for every page that shows it: a superseded or repealed
    text is labelled so, with the day it stopped applying."""
    from django.utils import timezone

    from .choices import VersionStatus

    on = on or timezone.localdate()
    if version.effective_from > on:
        return VersionState("尚未施行", "badge-warn", f"本版本自{_day(version.effective_from)}起施行。")
    if version.effective_to is not None and version.effective_to <= on:
        if version.status == VersionStatus.REPEALED:
            return VersionState("已废止", "badge-bad", f"本版本已于{_day(version.effective_to)}废止。")
        return VersionState("已被修订", "badge-bad",
                            f"本版本已于{_day(version.effective_to)}失效，仅适用于此前结束的违法行为"
                            f"（新的规定处罚较轻的除外，{ARTICLE_37}）。")
    if version.effective_to is not None:
        return VersionState("现行有效", "badge-warn", f"本版本施行至{_day(version.effective_to)}，此后由新版本取代。")
    return VersionState("现行有效", "badge-ok", "")
