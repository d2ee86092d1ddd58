"""Count-based fault injection per source, shared by the server's request threads.

``rate_limit`` (429), ``server_error`` (503), ``unauthorized`` (401), ``slow`` (the answer waits
``seconds``: past the client's timeout it is a timeout), ``malformed`` (invalid JSON),
``truncated`` (the body cut mid-JSON, its length declared as cut), ``short_page`` (fewer bytes
sent than declared, then the connection closed) each hit ``times`` requests; ``down`` drops
every request of the source, without an answer, until the faults are cleared (a whole run).
"""

import threading
from collections import deque
from dataclasses import dataclass

KINDS = ("rate_limit", "server_error", "unauthorized", "slow", "malformed", "truncated", "short_page", "down")


@dataclass
class Fault:
    kind: str
    times: int = 1
    after: int = 0
    seconds: float = 5.0


class FaultQueue:
    """Faults queued per source; each hits `times` requests after letting `after` through."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {}

    def add(self, source: str, kind: str, times: int = 1, after: int = 0, seconds: float = 5.0) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        if times < 1 or after < 0:
            raise ValueError("times must be >= 1 and after >= 0")
        with self._lock:
            self._queues.setdefault(source, deque()).append(Fault(kind, int(times), int(after), float(seconds)))

    def pending(self, source: str) -> int:
        """How many faulty responses are still queued for `source` (a source down counts its ``times``)."""
        with self._lock:
            return sum(fault.times for fault in self._queues.get(source, ()))

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()

    def next_for(self, source: str) -> Fault | None:
        """The fault this request of `source` must suffer, if any (consumes it)."""
        with self._lock:
            queue = self._queues.get(source)
            if not queue:
                return None
            head = queue[0]
            if head.after > 0:
                head.after -= 1
                return None
            if head.kind == "down":
                return Fault(head.kind)
            head.times -= 1
            if head.times == 0:
                queue.popleft()
            return Fault(head.kind, 1, 0, head.seconds)
