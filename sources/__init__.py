"""One module per source system: its settings (from the environment) and its dlt source.

The connectors know only the vendors' documented APIs and the environment variables below;
where the data comes from (a company's systems or a simulated one) is decided by whoever
hands them their settings.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import ModuleType

from . import bamboohr, github, jira, pagerduty, reviews, salesforce, sonarqube, zendesk
from .settings import SourceConfigError, SourceSettings

ACTIVITY_SOURCES = (jira, github, sonarqube, salesforce, zendesk, pagerduty)  # loaded per month
SNAPSHOT_SOURCES = (bamboohr, reviews)  # loaded whole
QUARANTINING = (bamboohr, reviews, salesforce)  # sources whose rows are checked (quarantine.py)
SOURCES: dict[str, ModuleType] = {m.Settings.SOURCE: m for m in (*ACTIVITY_SOURCES, *SNAPSHOT_SOURCES)}


def settings_for(names: Iterable[str], environ: Mapping[str, str]) -> dict[str, SourceSettings]:
    """Every named source's settings, or one SourceConfigError naming each source's problems."""
    settings, problems = {}, []
    for name in names:
        try:
            settings[name] = SOURCES[name].Settings.from_env(environ)
        except SourceConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise SourceConfigError(
            "sources in use are not fully configured (set these variables, or leave the source out of "
            "PERFPIPE_SOURCES):\n" + "\n".join(f"  {problem}" for problem in problems)
        )
    return settings


def known_variables() -> set[str]:
    return {var for module in SOURCES.values() for var in module.Settings.ENV.values()}


def prefixes() -> set[str]:
    return {var.split("_", 1)[0] + "_" for var in known_variables()}


def unknown_variables(environ: Mapping[str, str], extra_known: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """Variables with a source's prefix (``JIRA_``...) that no source reads, each with the nearest
    known variable: ``JIRA_BASEURL`` is most likely a mistyped ``JIRA_BASE_URL``."""
    known = known_variables() | set(extra_known)
    starts = tuple(prefixes() | {name.split("_", 1)[0] + "_" for name in extra_known})
    unknown = sorted(var for var in environ if var.startswith(starts) and var not in known)
    return [(var, next(iter(difflib.get_close_matches(var, known, n=1, cutoff=0.6)), None)) for var in unknown]
