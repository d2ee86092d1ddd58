"""`make serve` for the tests: ``python -m dashboards.server`` in a subprocess on a free loopback port,
configured through the environment exactly as an operator configures it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def dashboards_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """The server's base URL while it runs with ``env`` added to this process's environment."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboards.server"],
            cwd=ROOT,
            env={**os.environ, **env, "SERVE_PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"the server exited: {log.read_text()}"
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                assert time.monotonic() < deadline, f"the server did not listen within 60 s: {log.read_text()}"
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=20)
