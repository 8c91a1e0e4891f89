"""Checks of values that come with an article or on the command line: a publication date (it
reaches the prompt and the cassette's file name, so nothing but a calendar date is let through)
and the --max-chars bound."""

from __future__ import annotations

import datetime
import re

from summarizer.config import MAX_MAX_CHARS
from summarizer.errors import InputError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: str, where: str) -> str:
    """`value` if it is a calendar date YYYY-MM-DD, else an InputError naming `where`."""
    shown = value if len(value) <= 40 else value[:40] + "..."
    if not _DATE.fullmatch(value):
        raise InputError(f"{where}: not a date (YYYY-MM-DD): {shown!r}")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: not a date (YYYY-MM-DD): {shown!r}") from None
    return value


def check_max_chars(max_chars: int) -> int:
    """--max-chars must be 1 to MAX_MAX_CHARS (a file is read up to 4 bytes a character)."""
    if not 1 <= max_chars <= MAX_MAX_CHARS:
        raise InputError(f"--max-chars must be between 1 and {MAX_MAX_CHARS:,}, not {max_chars:,}")
    return max_chars
