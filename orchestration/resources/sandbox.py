"""The one place sandbox mode meets the pipeline: the simulated company, started in this process
(or reached at ``SANDBOX_URL``), hands the connectors the same variables a company would set.

The simulator is imported here only, and only in sandbox mode: a live run never loads it.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from .source_systems import SourceSystems


def live_environment(systems: SourceSystems) -> dict[str, str]:
    from sandbox.environment import live_environment

    return live_environment(_info(systems))


def url(systems: SourceSystems) -> str:
    return _info(systems)["url"]


def ground_truth(systems: SourceSystems) -> Path | None:
    return None if systems.sandbox_url else Path(systems.sandbox_dir).resolve() / "ground_truth.csv"


def _info(systems: SourceSystems) -> dict[str, Any]:
    if systems.sandbox_url:
        return _remote(systems.sandbox_url.rstrip("/"), systems.http_timeout_seconds)
    as_of = date.fromisoformat(systems.as_of).replace(day=1)
    return embedded(systems.sandbox_seed, systems.sandbox_employees, as_of, str(Path(systems.sandbox_dir).resolve()))


def _remote(base_url: str, timeout: float) -> dict[str, Any]:
    response = requests.get(f"{base_url}/_sandbox/info", timeout=timeout)
    response.raise_for_status()
    return response.json()


@functools.cache
def embedded(seed: int, employees: int, as_of: date, directory: str) -> dict[str, Any]:
    """Start (once per process) the sandbox for this org on a free loopback port; its history is
    the 12 months before ``as_of``. Writes the review exports and the ground truth to ``directory``."""
    from sandbox import SandboxServer, generate_company

    company = generate_company(seed=seed, employees=employees, as_of=as_of)
    reviews_dir = Path(directory) / "reviews"
    company.write_review_exports(reviews_dir)
    company.write_ground_truth(Path(directory) / "ground_truth.csv")
    server = SandboxServer(company, port=0, reviews_dir=reviews_dir)
    server.start()
    return server.info()
