"""The platform's own rules as data, each with where it comes from.

Later apps keep their legal rules in their own `rules.py`; what lives here is what every app shares:
account security under 等保2.0, personal-data masking and the calendar rule for plain-day deadlines.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountRules:
    """Identity and session rules for an intranet system graded under 等保2.0 (GB/T 22239-2019 §8.1.4.1)."""

    password_min_length: int = 8
    # Of upper-case letters, lower-case letters, digits and symbols, a password uses at least this many.
    password_min_character_classes: int = 3
    lockout_failures: int = 5
    lockout_minutes: int = 15
    idle_timeout_minutes: int = 30


ACCOUNT_RULES = AccountRules()


@dataclass(frozen=True)
class CertificateRules:
    """When a certificate's coming expiry is shown as a warning (DOMAIN.md, "Early warnings": 30 days)."""

    expiry_warning_days: int = 30


CERTIFICATE_RULES = CertificateRules()


@dataclass(frozen=True)
class MaskingRules:
    """How much of a personal identifier a list shows (个人信息保护法 §51: minimum necessary)."""

    id_card_keep_head: int = 4
    id_card_keep_tail: int = 4
    phone_keep_head: int = 3
    phone_keep_tail: int = 4


MASKING_RULES = MaskingRules()


@dataclass(frozen=True)
class CalendarRules:
    """A plain-day (日) deadline whose last day is not a workday moves to the next workday [M]."""

    plain_day_deadline_moves_past_holidays: bool = True


CALENDAR_RULES = CalendarRules()
