"""Inspection codes: issued on registration, random over an alphabet without look-alikes, unique, expiring."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from fazhi.inspections import codes
from fazhi.inspections.rules import INSPECTION_RULES
from fazhi.inspections.status import INSPECTION_MACHINE

from . import factories as fi

pytestmark = pytest.mark.django_db

LOOK_ALIKES = set("0O1IL2Z5S8B")


def test_the_alphabet_has_no_look_alike_characters():
    assert not LOOK_ALIKES & set(codes.CODE_ALPHABET)
    assert len(set(codes.CODE_ALPHABET)) == len(codes.CODE_ALPHABET) >= 20


def test_new_codes_are_random_and_of_the_configured_length():
    drawn = {codes.new_code() for _ in range(500)}
    assert len(drawn) == 500  # 25**8 codes: a repeat in 500 draws would mean no randomness
    assert all(len(c) == INSPECTION_RULES.code_length and set(c) <= set(codes.CODE_ALPHABET) for c in drawn)


def test_registering_issues_a_code_that_expires_after_the_window(hotel, team, published_items, officer):
    day = timezone.localdate()
    inspection = fi.visit(hotel, team, published_items, day=day)
    INSPECTION_MACHINE.fire(inspection, "register", actor=officer)
    inspection.refresh_from_db()
    assert re.fullmatch(f"[{codes.CODE_ALPHABET}]{{{INSPECTION_RULES.code_length}}}", inspection.code)
    assert inspection.code_issued_at is not None
    expected = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) + dt.timedelta(
        hours=INSPECTION_RULES.code_valid_hours_after_window)
    assert inspection.code_expires_at == expected


def test_an_issued_code_is_never_one_in_use(hotel, team, published_items, monkeypatch):
    taken = fi.visit(hotel, team, published_items, status="registered", code="AAAAAAAA")
    drawn = iter(["AAAAAAAA", "CCCCCCCC"])
    monkeypatch.setattr(codes, "new_code", lambda: next(drawn))
    other = fi.visit(hotel, team, published_items)
    codes.issue_code(other)
    assert other.code == "CCCCCCCC" != taken.code


def test_lookup_finds_a_live_code_typed_loosely(hotel, team, published_items):
    inspection = fi.visit(hotel, team, published_items, status="registered", code="ACDE3479",
                          code_expires_at=timezone.now() + dt.timedelta(hours=1))
    assert codes.lookup(" acde-3479 ") == inspection


def test_lookup_refuses_an_expired_code_at_the_second(hotel, team, published_items):
    expires = timezone.now() + dt.timedelta(hours=1)
    fi.visit(hotel, team, published_items, status="registered", code="ACDE3479", code_expires_at=expires)
    assert codes.lookup("ACDE3479", now=expires - dt.timedelta(seconds=1)) is not None
    assert codes.lookup("ACDE3479", now=expires) is None


def test_lookup_refuses_a_cancelled_visits_code(hotel, team, published_items):
    fi.visit(hotel, team, published_items, status="cancelled", code="ACDE3479",
             code_expires_at=timezone.now() + dt.timedelta(hours=1))
    assert codes.lookup("ACDE3479") is None


@pytest.mark.parametrize("text", ["", None, "ACDE347", "ACDE34790", "ACDE347O", "ACDE347<", "ＡＣＤＥ３４７９"])
def test_malformed_codes_are_refused_before_the_database(text, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert codes.lookup(text) is None


def test_the_qr_code_is_inline_svg_of_the_portal_address():
    url = "http://127.0.0.1/portal/inspections/code/ACDE3479/"
    svg = codes.qr_svg(url)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert codes.portal_path("ACDE3479") == "/portal/inspections/code/ACDE3479/"
