"""The law library's settings, in one place."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryRules:
    # An uploaded text: a statute as plain text is well under 1 MB (食品安全法 is about 150 KB).
    max_upload_bytes: int = 2 * 1024 * 1024
    upload_extensions: tuple[str, ...] = (".md", ".txt")
    # How long a checked upload waits for its confirmation.
    confirm_max_age_seconds: int = 2 * 3600
    # Articles listed in the import preview (all are loaded on confirmation).
    preview_articles: int = 30
    # Page sizes of the lists.
    laws_per_page: int = 30
    provisions_per_page: int = 25


LIBRARY_RULES = LibraryRules()
