"""``python -m orchestration.mode``: the mode the warehouse records (``live`` for a fresh one), so
commands that only read or publish (``make dev``) follow the warehouse rather than a default."""

from .resources import Warehouse

if __name__ == "__main__":
    print(Warehouse().recorded_mode() or "live")
