"""The guard on snapshots replaced whole (the HRIS report, each review export): one that is empty or
shrinks by more than ``SNAPSHOT_MAX_SHRINK`` against the last good load is refused, unless the
operator allows it for the run; the refused load writes nothing, so the last good snapshot stays."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_MAX_SHRINK = 0.2
ALLOW_TAG = "perfpipe/allow_shrink"  # run tag: source names (commas) or "all"


class SnapshotRefused(ValueError):
    """A snapshot is empty or shrank too much; the message names the file or report and the counts."""


def allowed_sources(tag: str | None) -> frozenset[str]:
    return frozenset(s.strip() for s in (tag or "").split(",") if s.strip())


@dataclass(frozen=True)
class SnapshotGuard:
    """``previous``: the rows of each table's last good load (absent: never loaded)."""

    source: str
    previous: Mapping[str, int] = field(default_factory=dict)
    max_shrink: float = DEFAULT_MAX_SHRINK
    allowed: bool = False

    @classmethod
    def from_env(cls, source: str, previous: Mapping[str, int], allow_tag: str | None) -> SnapshotGuard:
        allowed = allowed_sources(allow_tag)
        share = float(os.environ.get("SNAPSHOT_MAX_SHRINK") or DEFAULT_MAX_SHRINK)
        return cls(source, dict(previous), share, bool(allowed & {source, "all"}))

    def check(self, table: str, what: str, now: int, may_be_empty: bool = False) -> None:
        """Raise SnapshotRefused when ``now`` rows of ``what`` (a file, a report) may not replace the table."""
        if self.allowed:
            return
        last = self.previous.get(table)
        counts = f"last good load {last} rows, now {now}" if last is not None else f"first load, now {now} rows"
        how = f"allow it for one run with the run tag {ALLOW_TAG}={self.source} (make run: ALLOW_SHRINK={self.source})"
        if now == 0 and not may_be_empty and last != 0:
            raise SnapshotRefused(f"{what}: refused, the snapshot is empty ({counts}); {how}")
        if last and now < last * (1 - self.max_shrink):
            raise SnapshotRefused(
                f"{what}: refused, the snapshot shrank by {1 - now / last:.0%}, more than SNAPSHOT_MAX_SHRINK="
                f"{self.max_shrink:g} ({counts}); {how}"
            )
