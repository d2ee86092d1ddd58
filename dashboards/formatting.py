"""Small value helpers for page contexts: missing values, plain-words numbers, quarters and name lists."""

from __future__ import annotations

from collections import Counter

import pandas as pd

LISTED_NAMES = 5  # names listed in one action item before "and N more"
PLURALS = {"person": "people"}


def missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def flag(value) -> bool:
    """A yes/no column that may be missing (missing counts as no)."""
    return not missing(value) and bool(value)


def text(value, default: str = "") -> str:
    return default if missing(value) else str(value)


def score(value) -> str:
    return "no score" if missing(value) else f"{float(value):.1f}"


def out_of_100(value) -> str:
    return "no score" if missing(value) else f"{float(value):.1f} / 100"


def pct(share, digits: int = 0) -> str:
    """A share (0-1) as a percentage."""
    return "n/a" if missing(share) else f"{100 * float(share):.{digits}f}%"


def pct_points(value, digits: int = 1) -> str:
    """A value already in percent (0-100)."""
    return "n/a" if missing(value) else f"{float(value):.{digits}f}%"


def signed_pct(value) -> str:
    return "n/a" if missing(value) else f"{float(value):+.1f}%"


def money(value, currency: str = "") -> str:
    return "n/a" if missing(value) else f"{currency} {float(value):,.0f}".strip()


def money_k(value, currency: str = "") -> str:
    return "n/a" if missing(value) else f"{currency} {float(value) / 1000:,.0f}k".strip()


def count(value, unit: str = "") -> str:
    """A whole number with its unit in plain words: 1 person, 12 people, 3 ratings."""
    n = 0 if missing(value) else int(value)
    if not unit:
        return f"{n:,}"
    *head, last = unit.split(" ")
    word = last if n == 1 else PLURALS.get(last, last + "s")
    return f"{n:,} {' '.join([*head, word])}"


def number(value, digits: int = 2) -> str:
    return "n/a" if missing(value) else f"{float(value):.{digits}f}"


def quarter_label(moment) -> str:
    moment = pd.Timestamp(moment)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_labels(moments: pd.Series) -> pd.Series:
    """quarter_label for a whole column at once."""
    moments = pd.to_datetime(moments)
    return (moments.dt.year.astype(str) + "-Q" + ((moments.dt.month - 1) // 3 + 1).astype(str)).astype(object)


def name_list(names: list[str], limit: int = LISTED_NAMES) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def unique_labels(names, ids) -> list[str]:
    """Names as chart labels; a name shared by several people gets their id so bars never merge."""
    names = [text(n, "(no name)") for n in names]
    seen = Counter(names)
    return [f"{n} ({i})" if seen[n] > 1 else n for n, i in zip(names, ids)]
