"""The history window in epoch seconds, and employment arithmetic over periods."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

DAY = 86_400


def epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def to_date(seconds: int) -> date:
    return datetime.fromtimestamp(int(seconds), UTC).date()


@dataclass(frozen=True)
class Window:
    """The 12 whole months before `as_of`: [start, end) with end = as_of."""

    start: date
    end: date

    @classmethod
    def before(cls, as_of: date) -> "Window":
        return cls(date(as_of.year - 1, as_of.month, 1), date(as_of.year, as_of.month, 1))

    @property
    def start_s(self) -> int:
        return epoch(self.start)

    @property
    def end_s(self) -> int:
        return epoch(self.end)

    def month_bounds(self) -> np.ndarray:
        """(13,) epoch seconds of the month starts, the last one being `end`."""
        y, m = self.start.year, self.start.month
        starts = [date(y + (m - 1 + k) // 12, (m - 1 + k) % 12 + 1, 1) for k in range(13)]
        return np.array([epoch(d) for d in starts], dtype=np.int64)

    def sprint_bounds(self, days: int) -> np.ndarray:
        """Sprint boundaries every `days` from the start; the last sprint ends at `end`."""
        bounds = np.arange(self.start_s, self.end_s, days * DAY, dtype=np.int64)
        return np.append(bounds, self.end_s)

    def week_starts(self) -> np.ndarray:
        first_monday = self.start_s + ((7 - self.start.weekday()) % 7) * DAY
        return np.arange(first_monday, self.end_s, 7 * DAY, dtype=np.int64)


def employed_span(hire_s, term_s, lo, hi):
    """Employed part [a, b) of each period [lo, hi) for each person (broadcasting)."""
    a = np.maximum(hire_s[:, None], lo[None, :])
    b = np.minimum(term_s[:, None], hi[None, :])
    return a, np.maximum(a, b)


def uniform_in(rng, a, b):
    return a + (rng.random(np.shape(a)) * (b - a)).astype(np.int64)
