"""Input validation and month arithmetic shared by the models (month numbers count from January 1970)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.validation import reject_rows, require_columns

EMPLOYEE_COLUMNS = ("employee_id", "hire_date", "termination_date")
DAYS_PER_MONTH = 365.25 / 12
_EPOCH_YEAR = 1970  # month numbers count from January 1970, itself a quarter start


def _naive(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def _month_number(values: pd.Series) -> np.ndarray:
    """Months since January 1970 (so a month number divisible by 3 starts a calendar quarter)."""
    stamps = _naive(values)
    return ((stamps.dt.year - _EPOCH_YEAR) * 12 + stamps.dt.month - 1).to_numpy(dtype=np.int64)


def _month_day(month: np.ndarray | int) -> np.ndarray:
    """Days since 1970-01-01 of the first day of each month number."""
    return np.asarray(month, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_dates(month: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(month, dtype=np.int64).astype("datetime64[M]")))


def _day_number(values: pd.Series) -> np.ndarray:
    return ((_naive(values) - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float, na_value=np.nan)


def _numbers(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return frame[list(columns)].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=np.nan)


def _positions(frame: pd.DataFrame, people: pd.DataFrame, name: str) -> np.ndarray:
    """Row position of each row's employee in `people`; raises for an employee without a record."""
    positions = people.index.get_indexer(frame["employee_id"])
    reject_rows(frame, positions < 0, f"{name} row has no employee record")
    return positions


def _check_unique(frame: pd.DataFrame, person: np.ndarray, period: np.ndarray, name: str) -> None:
    reject_rows(frame, pd.DataFrame({"p": person, "m": period}).duplicated(), f"{name} has two rows for one period")


def _people(employees: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Validated employees indexed by employee_id (sorted) with hire/termination day numbers."""
    require_columns(employees, (*EMPLOYEE_COLUMNS, *columns), "employees")
    reject_rows(employees, employees["employee_id"].isna().to_numpy(), "employee_id is missing")
    reject_rows(employees, employees["employee_id"].duplicated().to_numpy(), "listed twice in employees")
    hire = _day_number(employees["hire_date"])
    term = _day_number(employees["termination_date"])
    reject_rows(employees, np.isnan(hire), "hire_date is missing")
    reject_rows(employees, term < hire, "termination_date before hire_date")
    return employees.assign(hire_day=hire, term_day=term).set_index("employee_id").sort_index()


def _active(people: pd.DataFrame, day: np.ndarray | int) -> np.ndarray:
    """Hired before `day` and not terminated on or before it."""
    hire, term = people["hire_day"].to_numpy(), people["term_day"].to_numpy()
    return (hire < day) & (np.isnan(term) | (term > day))


def _tenure_months(people: pd.DataFrame, day: int) -> np.ndarray:
    return np.clip((day - people["hire_day"].to_numpy()) / DAYS_PER_MONTH, 0, None)
