"""How stale each source's data is: now minus the source's last successful load (``meta.loads``).

The one home of the rule. A source whose last load is older than ``STALE_AFTER_HOURS`` (default
26: a nightly run plus two hours' slack) is stale; one never loaded has no age and is stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import pandas as pd


def stale_after_hours() -> float:
    return float(os.environ.get("STALE_AFTER_HOURS") or 26)


@dataclass(frozen=True)
class Staleness:
    source: str
    last_loaded: datetime | None
    hours: float | None
    stale: bool

    def describe(self) -> str:
        if self.last_loaded is None:
            return f"source {self.source} never loaded"
        late = " (stale)" if self.stale else ""
        return (
            f"source {self.source} last loaded {self.last_loaded:%Y-%m-%d %H:%M} UTC, {self.hours:.1f} hours ago{late}"
        )

    def metadata(self) -> dict:
        return {
            "last_loaded_at": self.last_loaded.isoformat() if self.last_loaded else "never",
            "hours_since_load": round(self.hours, 1) if self.hours is not None else None,
            "stale": self.stale,
        }


def staleness(loads: pd.DataFrame, sources: list[str], now: datetime, stale_after: float) -> list[Staleness]:
    """Each of ``sources`` with its last successful load in ``loads`` (columns source, loaded_at)
    and how many hours before ``now`` (timezone-aware) that was."""
    last = pd.to_datetime(loads["loaded_at"], utc=True).groupby(loads["source"]).max() if len(loads) else {}
    result = []
    for source in sources:
        if source not in last:
            result.append(Staleness(source, None, None, True))
            continue
        loaded = last[source].to_pydatetime()
        hours = (now - loaded).total_seconds() / 3600
        result.append(Staleness(source, loaded, hours, hours > stale_after))
    return result
