"""What a reader may see: the privacy rules of the dashboards in one place.

Privacy is by construction: an individual context is built only from that person's rows plus
anonymous aggregates of peers (and only of a peer group large enough not to identify anyone), a
manager context only from the rows of their reporting line, and salary, pay range, compa-ratio and
merit amounts are read only by the HR page builders (``dashboards.hr``). The rules below are what
the other modules apply: `Org` drops attrition drivers that mention pay, the individual page shows a
peer benchmark only for a large enough peer group.
"""

from __future__ import annotations

import re

from .formatting import text

MIN_PEER_GROUP = 5  # fewer peers than this (same role and level) and no benchmark is shown: too identifiable
# Attrition drivers can mention pay (compa-ratio, range position); pay appears on HR pages only.
PAY_WORDS = re.compile(r"compa|salary|\bpay\b|pay range|range position|merit", re.IGNORECASE)


def enough_peers(peers: int, min_peer_group: int = MIN_PEER_GROUP) -> bool:
    """A peer benchmark is shown only for a group of at least `min_peer_group` peers: fewer could identify them."""
    return peers >= min_peer_group


def without_pay(drivers) -> str:
    """Driver phrases ('; '-separated) minus any that mention pay."""
    return "; ".join(p for p in text(drivers).split("; ") if p and not PAY_WORDS.search(p))
