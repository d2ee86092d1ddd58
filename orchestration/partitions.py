"""Time partitions: activity is loaded per calendar month (UTC)."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg
import pandas as pd

# end_offset=1 keeps the month in progress as a partition, so the nightly run refreshes it.
monthly = dg.MonthlyPartitionsDefinition(
    start_date=os.environ.get("PARTITIONS_START", "2025-01-01"), end_offset=1, timezone="UTC"
)


def month_key(day: date, offset: int = 0) -> str:
    """The partition key of the month ``offset`` months after the one holding ``day``."""
    index = day.year * 12 + day.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}-01"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags that make one run cover the partitions first..last: Dagster's documented tags of a
    single-run backfill, which the raw assets' backfill policy accepts."""
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def months_to_load(loads: pd.DataFrame, sources: list[str], today: date, history: int = 12) -> tuple[str, str]:
    """The first and last monthly partition a run loads.

    On a fresh warehouse (no load of these sources recorded): the ``history`` whole months before
    today's. Later: from the earliest month some source has not loaded completely (a load of a
    month counts once it ran after the month ended, and the month ended by today: a run as of a
    past day, ``AS_OF``, reloads that day's month however late the clock) through today's month,
    which is still running.
    """
    activity = loads[loads["source"].isin(sources) & loads["window_start"].notna()]
    if activity.empty:
        return month_key(today, -history), month_key(today, -1)
    ended = activity["window_end"] <= pd.Timestamp(today, tz="UTC")
    complete = activity[(activity["loaded_at"] >= activity["window_end"]) & ended]
    ends = complete.groupby("source")["window_end"].max()
    firsts = [
        month_key(ends[s].tz_convert("UTC").date()) if s in ends.index else month_key(today, -history) for s in sources
    ]
    return min(firsts), month_key(today)
