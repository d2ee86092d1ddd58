"""What every raw row carries besides the source's own record: load metadata."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

PAYLOAD_COLUMNS = {"payload": {"data_type": "json"}}
# dlt hints of every API table: merged on its primary key (re-running a window gives the same
# rows), the payload stored as JSON, a source's resources fetched side by side.
MERGED = {"write_disposition": "merge", "columns": PAYLOAD_COLUMNS, "parallelized": True}
_TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Window:
    """The half-open time window [start, end) a load covers, in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"empty window {self.start} .. {self.end}")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def months(self) -> list[Window]:
        """The window cut at calendar-month boundaries (for APIs that cap a query's span)."""
        cuts = [self.start]
        while True:
            current = cuts[-1]
            following = current.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            following = following.replace(year=following.year + following.month // 12, month=following.month % 12 + 1)
            if following >= self.end:
                break
            cuts.append(following)
        return [Window(a, b) for a, b in zip(cuts, [*cuts[1:], self.end])]


def raw_table(
    key_columns: Sequence[str],
    records: Iterable[tuple[Sequence[Any], Any]],
    window: Window | None,
    loaded_at: datetime,
) -> pa.Table:
    """A page of raw rows: string key columns, the original JSON record, the load's metadata.

    Pages go to dlt as Arrow tables: dlt's row-by-row normaliser is ten times slower.
    """
    keys: list[list[str]] = [[] for _ in key_columns]
    payloads: list[bytes] = []
    for key, record in records:
        for column, value in zip(keys, key, strict=True):
            column.append(str(value))
        payloads.append(orjson.dumps(record))
    n = len(payloads)
    columns = {name: pa.array(values, pa.string()) for name, values in zip(key_columns, keys)}
    return pa.table(
        {
            **columns,
            "payload": pa.array([p.decode() for p in payloads], pa.string()),
            "_loaded_at": pa.array([loaded_at] * n, _TIMESTAMP),
            "_window_start": pa.array([window.start if window else None] * n, _TIMESTAMP),
            "_window_end": pa.array([window.end if window else None] * n, _TIMESTAMP),
        }
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_timestamp(value: str) -> datetime:
    """Vendor timestamps (``2026-03-20T06:21:50.520+0530``, ``...Z``) as aware UTC datetimes."""
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
