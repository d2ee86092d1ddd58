"""`generate_company`: the simulated company, its people and all its system activity."""

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import activity
from . import config as C
from .ids import BASE36, BASE62, unique_codes
from .org import HRIS_COLUMNS, build_accounts, build_people
from .profiles import Profile, profile_named
from .reviews import review_exports
from .timeline import Window


def _names(pool, count: int, fallback: str) -> list[str]:
    return [pool[i] if i < len(pool) else f"{fallback}{i}" for i in range(count)]


@dataclass
class Company:
    seed: int
    as_of: date
    profile: Profile
    window_: Window
    people: pd.DataFrame  # HRIS attributes + latent truth, one row per employee
    accounts: dict[str, pd.DataFrame]  # system -> person row, system id, name, email, active
    jira_projects: list[str]
    github_repos: list[str]
    sprint_bounds: np.ndarray
    tables: dict[str, pd.DataFrame] = field(repr=False)
    workforces: dict[str, activity.Workforce] = field(repr=False)
    # What the HRIS serves when it differs from the people (sandbox/bad_input.py): shrunk, impossible rows.
    hris_rows: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def hris_people(self) -> pd.DataFrame:
        return self.people if self.hris_rows is None else self.hris_rows

    @property
    def window(self) -> tuple[date, date]:
        return self.window_.start, self.window_.end

    @property
    def github_org(self) -> str:
        return C.GITHUB_ORG

    @property
    def sonar_projects(self) -> list[str]:
        return [sonar_key(r) for r in self.github_repos]

    @property
    def employees(self) -> pd.DataFrame:
        """The HRIS view: one row per employee, leavers included."""
        return self.people[HRIS_COLUMNS].reset_index(drop=True)

    def account_of(self, system: str, workforce: str, who: np.ndarray) -> np.ndarray:
        """Position in `accounts[system]` of workforce members `who` (-1 passes through)."""
        acc = self.accounts[system]
        lookup = np.full(len(self.people), -1)
        lookup[acc["person"].to_numpy()] = np.arange(len(acc))
        rows = self.workforces[workforce].rows
        who = np.asarray(who)
        return np.where(who >= 0, lookup[rows[np.maximum(who, 0)]], -1)

    def write_review_exports(self, directory) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        exports = review_exports(
            np.random.default_rng([self.seed, 7]),
            self.people,
            self.window_,
            self.profile.competency_keys,
            self.profile.ratings_wait_for_finished_reviews,
        )
        for name, frame in exports.items():
            frame.to_csv(directory / name, index=False, lineterminator="\n")

    def write_ground_truth(self, path) -> None:
        truth = self.people[["employee_id", "true_performance", "true_band", "leniency", "rater_noise"]]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        truth.rename(columns={"rater_noise": "noise"}).to_csv(
            path, index=False, float_format="%.4f", lineterminator="\n"
        )
        Path(path).chmod(0o600)  # the simulated people's latent performance: owner-only


def sonar_key(repo: str) -> str:
    return repo.replace("/", "_")


def generate_company(
    seed: int = 42, employees: int = 500, as_of: date = date(2026, 11, 1), profile: str = "default"
) -> Company:
    """The company of ``seed`` and size, its history the 12 months before ``as_of``, its systems
    configured as the named profile says (``sandbox.profiles``)."""
    if employees < 10:
        raise ValueError("the sandbox needs at least 10 employees")
    config = profile_named(profile)
    rng = np.random.default_rng(seed)
    window = Window.before(as_of)
    people = build_people(rng, employees, window)
    accounts = build_accounts(rng, people, config.jira_hidden_email_share)
    eng, sales, support = (activity.Workforce(people, d) for d in C.DEPARTMENTS)
    n_projects = max(1, math.ceil(eng.n_teams / config.jira_teams_per_project))
    n_repos = max(1, math.ceil(eng.n_teams / C.TEAMS_PER_REPO))

    issues, sprint_bounds = activity.jira_issues(rng, eng, window, n_projects, config.scale("issues"))
    prs, reviews = activity.pull_requests(rng, eng, window, n_repos)
    sonar = activity.sonar_history(rng, eng, prs, window, n_repos)
    opps = activity.opportunities(rng, sales, window, config.scale("opportunities"))
    opps["sf_id"] = unique_codes(rng, len(opps), BASE62, 15, prefix="006")
    tickets, ratings = activity.tickets(rng, support, window, config.scale("tickets"))
    incidents = activity.incidents(rng, eng, window, n_repos, config.scale("incidents"))
    incidents["pd_id"] = unique_codes(rng, len(incidents), BASE36, 6, prefix="Q")
    return Company(
        seed=seed,
        as_of=as_of,
        profile=config,
        window_=window,
        people=people,
        accounts=accounts,
        jira_projects=_names(C.JIRA_PROJECT_KEYS, n_projects, "PRJ"),
        github_repos=[f"{C.GITHUB_ORG}/{r}" for r in _names(C.REPO_NAMES, n_repos, "service-")],
        sprint_bounds=sprint_bounds,
        tables={
            "jira_issues": issues,
            "pull_requests": prs,
            "reviews": reviews,
            "sonar": sonar,
            "opportunities": opps,
            "tickets": tickets,
            "satisfaction_ratings": ratings,
            "incidents": incidents,
        },
        workforces={"Engineering": eng, "Sales": sales, "Support": support},
    )
