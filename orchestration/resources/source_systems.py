"""Where the source systems' data comes from, for a whole run: one explicit mode.

``PERFPIPE_MODE=live`` (the default) reads each source's settings from the environment;
``sandbox`` (the demo and the tests) points every connector at the simulated company. Live
never falls back to simulated data: a source in use (``PERFPIPE_SOURCES``, default all) that
is not fully configured stops the run before anything is opened, with every missing variable.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from sources import SOURCES, settings_for, unknown_variables
from sources.http import HttpPolicy
from sources.settings import SourceConfigError, SourceSettings

from . import sandbox

MODES = ("live", "sandbox")
RUN_VARIABLES = ("PERFPIPE_MODE", "PERFPIPE_SOURCES")  # checked for typos like the sources' own


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name) or default


def today() -> date:
    """The run's today: ``AS_OF`` (YYYY-MM-DD) when set, else the real clock (UTC)."""
    value = _env("AS_OF")
    return date.fromisoformat(value) if value else datetime.now(UTC).date()


class SourceSystems(dg.ConfigurableResource):
    """The run's mode, the sources in use and their connection settings."""

    mode: str = Field(default_factory=lambda: _env("PERFPIPE_MODE", "live"), description="live or sandbox")
    sources: str = Field(
        default_factory=lambda: _env("PERFPIPE_SOURCES", ",".join(SOURCES)),
        description="comma-separated sources in use (default: all eight)",
    )
    sandbox_url: str | None = Field(default_factory=lambda: _env("SANDBOX_URL"))
    sandbox_employees: int = Field(default_factory=lambda: int(_env("SANDBOX_EMPLOYEES", "500")))
    sandbox_seed: int = Field(default_factory=lambda: int(_env("SANDBOX_SEED", "42")))
    sandbox_profile: str = Field(
        default_factory=lambda: _env("SANDBOX_PROFILE", "default"),
        description="how the simulated company's systems are configured (default or contrast)",
    )
    sandbox_dir: str = Field(
        default_factory=lambda: _env("SANDBOX_DIR", "data/sandbox"),
        description="where the embedded sandbox writes its review exports and ground truth",
    )
    as_of: str = Field(
        default_factory=lambda: today().isoformat(),
        description="the run's today (AS_OF); the sandbox's history ends at the first of its month",
    )
    http_timeout_seconds: float = Field(default_factory=lambda: float(_env("HTTP_TIMEOUT_SECONDS", "30")))
    http_max_attempts: int = Field(default_factory=lambda: int(_env("HTTP_MAX_ATTEMPTS", "6")))

    _settings: dict[str, SourceSettings] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        for line in self.check():
            context.log.info(line)
        for line in self.warnings():
            context.log.warning(line)

    def in_use(self) -> list[str]:
        names = [name.strip() for name in self.sources.split(",") if name.strip()]
        unknown = [name for name in names if name not in SOURCES]
        if unknown or not names:
            raise SourceConfigError(
                f"PERFPIPE_SOURCES: unknown source(s) {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(SOURCES)}"
            )
        return names

    def check(self) -> list[str]:
        """Validate every source in use (one error naming all problems); say where each one is.

        Live settings come from this process's environment; sandbox ones are the variables the
        sandbox hands out, so both reach the connectors the same way.
        """
        if self.mode not in MODES:
            raise SourceConfigError(f"PERFPIPE_MODE: {self.mode!r} is not one of {', '.join(MODES)}")
        names = self.in_use()
        if self.mode == "live":
            self._settings = settings_for(names, os.environ)
            return [
                f"{name}: live ({', '.join(SOURCES[name].Settings.variables_set(os.environ))} set)" for name in names
            ]
        where = self._sandbox()
        self._settings = settings_for(names, sandbox.live_environment(where))
        return [f"{name}: simulated by the sandbox at {where['url']}" for name in names]

    def warnings(self) -> list[str]:
        not_in_use = [name for name in SOURCES if name not in self.in_use()]
        lines = []
        if not_in_use:
            lines.append(f"not in use (PERFPIPE_SOURCES): {', '.join(not_in_use)}; their metrics stay missing")
        if self.mode == "live":
            lines += [
                f"{var} is not a variable perfpipe reads" + (f"; did you mean {near}?" if near else "")
                for var, near in unknown_variables(os.environ, RUN_VARIABLES)
            ]
        return lines

    def settings(self, name: str) -> SourceSettings:
        if self._settings is None:
            self.check()
        return self._settings[name]

    def policy(self) -> HttpPolicy:
        return HttpPolicy(timeout=self.http_timeout_seconds, max_attempts=self.http_max_attempts)

    def ground_truth(self) -> Path | None:
        """The embedded sandbox's latent truth file, to measure how well ratings recover it."""
        return sandbox.ground_truth(self.sandbox_dir) if self.mode == "sandbox" and not self.sandbox_url else None

    def _sandbox(self) -> dict:
        return sandbox.info(
            self.sandbox_url,
            seed=self.sandbox_seed,
            employees=self.sandbox_employees,
            profile=self.sandbox_profile,
            as_of=date.fromisoformat(self.as_of),
            directory=self.sandbox_dir,
            timeout=self.http_timeout_seconds,
        )
