"""Input checks shared by the analytics modules: required columns and rows that must not occur."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

_KEYS_SHOWN = 5  # how many offending records an error message names


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError listing the `columns` that `frame` (called `name` in the message) lacks."""
    missing = [str(column) for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing required column(s): {', '.join(missing)}")


def reject_rows(
    frame: pd.DataFrame,
    bad: pd.Series | np.ndarray,
    reason: str,
    *,
    name: str | None = None,
    key: str = "employee_id",
) -> None:
    """Raise ValueError when any row of `frame` is flagged in `bad` (positionally; missing counts as False).

    The message gives `reason`, prefixed by `name` when given, and names up to five distinct `key`
    values of the flagged rows and how many more there are, e.g.
    "employees: salary is negative (employee_id 1001, 1002, 1003, 1004, 1005 and 3 more)".
    """
    flags = np.asarray(pd.Series(bad, copy=False).fillna(False), dtype=bool)
    if not flags.any():
        return
    keys = list(dict.fromkeys(map(str, frame[key].to_numpy()[flags])))  # distinct, in row order
    more = f" and {len(keys) - _KEYS_SHOWN} more" if len(keys) > _KEYS_SHOWN else ""
    prefix = f"{name}: " if name else ""
    raise ValueError(f"{prefix}{reason} ({key} {', '.join(keys[:_KEYS_SHOWN])}{more})")
