"""Guessing inspection codes on the portal: misses are counted per client address, and past
`rules.code_guesses_allowed` within `code_guess_window_seconds` the page answers 429 until the window passes.

Each portal page keeps its own count (`scope`), so a miss on one page does not spend another's allowance.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.core.cache import cache

from .rules import INSPECTION_RULES


@dataclass(frozen=True)
class GuessCounter:
    scope: str

    def _keys(self, request) -> tuple[str, str]:
        address = request.META.get("REMOTE_ADDR") or "unknown"
        return f"{self.scope}:misses:{address}", f"{self.scope}:since:{address}"

    def blocked_until(self, request) -> dt.datetime | None:
        """When this client may try again, if it has used up its misses in the current window."""
        count_key, since_key = self._keys(request)
        if (cache.get(count_key) or 0) < INSPECTION_RULES.code_guesses_allowed:
            return None
        since = cache.get(since_key) or time.time()
        return dt.datetime.fromtimestamp(since + INSPECTION_RULES.code_guess_window_seconds, tz=dt.timezone.utc)

    def note_miss(self, request) -> None:
        """Count one miss; the window starts at the first miss and the count lapses with it."""
        count_key, since_key = self._keys(request)
        window = INSPECTION_RULES.code_guess_window_seconds
        cache.add(since_key, time.time(), window)
        cache.add(count_key, 0, window)
        try:
            cache.incr(count_key)
        except ValueError:  # lapsed between add and incr
            cache.set(count_key, 1, window)
