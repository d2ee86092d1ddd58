"""The one place sandbox mode meets the pipeline: the simulated company, started in this process
(or reached at ``SANDBOX_URL``), hands the connectors the same variables a company would set.

The simulator is imported here only, and only in sandbox mode: a live run never loads it.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import requests


def info(
    url: str | None, *, seed: int, employees: int, profile: str, as_of: date, directory: str, timeout: float
) -> dict[str, Any]:
    """What the connectors need to find the sandbox: the one at ``url``, else one started here."""
    if url:
        response = requests.get(f"{url.rstrip('/')}/_sandbox/info", timeout=timeout)
        response.raise_for_status()
        return response.json()
    return embedded(seed, employees, profile, as_of.replace(day=1), str(Path(directory).resolve()))


def live_environment(sandbox_info: dict[str, Any]) -> dict[str, str]:
    from sandbox.environment import live_environment

    return live_environment(sandbox_info)


@functools.cache
def embedded(seed: int, employees: int, profile: str, as_of: date, directory: str) -> dict[str, Any]:
    """Start (once per process) the sandbox for this org on a free loopback port; its history is
    the 12 months before ``as_of``. Writes the review exports and the ground truth to ``directory``."""
    from sandbox import SandboxServer, generate_company

    company = generate_company(seed=seed, employees=employees, as_of=as_of, profile=profile)
    reviews_dir = Path(directory) / "reviews"
    company.write_review_exports(reviews_dir)
    company.write_ground_truth(ground_truth(directory))
    server = SandboxServer(company, port=0, reviews_dir=reviews_dir)
    server.start()
    return server.info()


def ground_truth(directory: str) -> Path:
    """Where the embedded sandbox writes the simulated people's latent performance."""
    return Path(directory).resolve() / "ground_truth.csv"
