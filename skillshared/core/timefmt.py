"""The one form of a time in a result (``--json``, the daemon's status): RFC 3339 / ISO 8601
in UTC, to the second, with a colon in its offset: ``2026-12-05T17:12:01+00:00``.

Files keep the forms they were written in (the operation log's ``+0000``, install records'
``Z``, the original tool's fractions of a second, epoch seconds in notes and manifests):
results convert with these functions when they are built, never when something is stored."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime

# The form, whole (for tests and for checking a value a result is given).
FORM = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00")

_LATEST = 253402300799.0  # 9999-12-31T23:59:59+00:00


def iso(epoch: float) -> str:
    """Seconds since the epoch in the one form (fractions of a second dropped). A number that
    cannot be a time (not finite, before 1970, after the year 9999) becomes the nearest one
    that can, so a damaged note never stops a listing."""
    seconds = epoch if math.isfinite(epoch) else 0.0
    seconds = min(max(seconds, 0.0), _LATEST)
    return datetime.fromtimestamp(int(seconds), UTC).isoformat()


def iso_or_none(epoch: float | None) -> str | None:
    """:func:`iso`, or None for None (a time nobody recorded)."""
    return None if epoch is None else iso(epoch)


def now() -> str:
    """The time now, in the one form."""
    return iso(time.time())


def _parsed(text: str) -> datetime | None:
    """A time written in any ISO 8601 form, in UTC (see :func:`epoch_of`)."""
    try:
        when = datetime.fromisoformat(text.strip())
        return (when if when.tzinfo else when.astimezone()).astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None


def epoch_of(text: str) -> float | None:
    """The seconds since the epoch of a time written in any ISO 8601 form: an offset with or
    without its colon, ``Z``, up to nine digits of fractions (the original's); a time with no
    zone is local time. None when it is not a time."""
    when = _parsed(text)
    return None if when is None else when.timestamp()


def iso_text(text: str) -> str:
    """A stored time in the one form (the original's zero time stays in year 1); text that is
    not a time is returned as it is (a result shows what the file holds rather than inventing
    a time)."""
    when = _parsed(text)
    return text if when is None else when.replace(microsecond=0).isoformat()
