"""The org and its people: hierarchy, HRIS attributes, latent truth and per-system accounts."""

import math

import numpy as np
import pandas as pd

from . import config as C
from .ids import BASE36, BASE62, HEX, unique_codes, unique_ints
from .timeline import DAY, Window

FAR_FUTURE = 2**40  # "not terminated" in epoch seconds
ACCOUNT_SYSTEMS = {  # system -> departments that hold an account in it
    "jira": ("Engineering",),
    "github": ("Engineering",),
    "pagerduty": ("Engineering",),
    "salesforce": ("Sales",),
    "zendesk": ("Support",),
}


def _largest_remainder(total: int, shares) -> np.ndarray:
    raw = np.asarray(shares, dtype=float) / np.sum(shares) * total
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]] += 1
    return counts


def _team_sizes(rng, ics: int, managers: int) -> np.ndarray:
    """Split `ics` into `managers` teams of SPAN_MIN..SPAN_MAX where the numbers allow it."""
    base = min(C.SPAN_MIN, ics // managers)
    sizes = base + rng.multinomial(ics - base * managers, np.full(managers, 1 / managers))
    while sizes.max() > C.SPAN_MAX and sizes.min() < C.SPAN_MAX:
        sizes[np.argmax(sizes)] -= 1
        sizes[np.argmin(sizes)] += 1
    return sizes


def _department_shape(headcount: int) -> tuple[int, int, int]:
    """(directors, line managers, ICs) for a department of `headcount` below its VP."""
    if headcount <= 0:
        return 0, 0, 0
    managers = max(1, round(headcount / (C.SPAN_MEAN + 1)))
    directors = math.ceil(managers / C.MANAGERS_PER_DIRECTOR) if managers > C.DIRECTOR_THRESHOLD else 0
    managers = max(1, round((headcount - directors) / (C.SPAN_MEAN + 1)))
    ics = headcount - directors - managers
    while managers > 1 and ics < C.SPAN_MIN * managers:
        managers, ics = managers - 1, ics + 1
    while ics > C.SPAN_MAX * managers:
        managers, ics = managers + 1, ics - 1
    return directors, managers, max(ics, 0)


def _hierarchy(rng, n: int) -> pd.DataFrame:
    """Rows in hierarchy order: department, level, manager row index (-1 for the CEO)."""
    exec_staff = min(C.EXECUTIVE_STAFF_MAX, max(1, round(C.EXECUTIVE_STAFF_SHARE * n))) if n >= 20 else 0
    sizes = _largest_remainder(n - 1 - len(C.DEPARTMENTS) - exec_staff, list(C.DEPARTMENT_SHARES.values()))
    dept, level, boss = ["Executive"], ["VP"], [-1]

    def add(d, lv, mgr):
        dept.extend([d] * len(lv))
        level.extend(lv)
        boss.extend(mgr)

    vps = list(range(1, 1 + len(C.DEPARTMENTS)))
    for d in C.DEPARTMENTS:
        add(d, ["VP"], [0])
    add("Executive", list(rng.choice(C.IC_LEVELS[1:], exec_staff)), [0] * exec_staff)
    for d, vp, headcount in zip(C.DEPARTMENTS, vps, sizes):
        n_dir, n_mgr, n_ic = _department_shape(int(headcount))
        first_dir = len(level)
        add(d, ["Director"] * n_dir, [vp] * n_dir)
        first_mgr = len(level)
        mgr_boss = [first_dir + k % n_dir for k in range(n_mgr)] if n_dir else [vp] * n_mgr
        add(d, list(rng.choice(C.MANAGER_LEVELS, n_mgr, p=C.MANAGER_LEVEL_SHARES)), mgr_boss)
        team = np.repeat(np.arange(n_mgr), _team_sizes(rng, n_ic, n_mgr)) if n_mgr else []
        add(d, list(rng.choice(C.IC_LEVELS, n_ic, p=C.IC_LEVEL_SHARES)), [first_mgr + t for t in team])
    return pd.DataFrame({"department": dept, "level": level, "manager_idx": np.array(boss, dtype=np.int64)})


def _names(rng, n: int) -> pd.DataFrame:
    gender = rng.choice(C.GENDERS, n, p=C.GENDER_SHARES)
    female = rng.choice(C.FIRST_NAMES_FEMALE, n)
    male = rng.choice(C.FIRST_NAMES_MALE, n)
    either = np.where(rng.random(n) < 0.5, female, male)
    first = np.where(gender == "Female", female, np.where(gender == "Male", male, either))
    last = rng.choice(C.LAST_NAMES, n)
    handle = pd.Series([f"{given}.{family}".lower() for given, family in zip(first, last)])
    nth = handle.groupby(handle).cumcount()
    handle = handle.where(nth == 0, handle + (nth + 1).astype(str))
    return pd.DataFrame({"first_name": first, "last_name": last, "gender": gender, "email_handle": handle.to_numpy()})


def _dates(rng, org: pd.DataFrame, window: Window) -> tuple[np.ndarray, np.ndarray]:
    n = len(org)
    ws, we = window.start_s, window.end_s
    span = C.HIRE_SPAN_YEARS * 365 * DAY
    # Earlier hires are rarer (the company grew); leaders were hired early.
    hire = ws - (span * rng.random(n) ** 1.3).astype(np.int64)
    senior = org["level"].isin(["VP", "Director"]).to_numpy()
    hire[senior] = ws - (span * (0.6 + 0.4 * rng.random(senior.sum()))).astype(np.int64)
    is_ic = org["level_group"].eq("IC").to_numpy()
    new = is_ic & (rng.random(n) < C.HIRED_IN_WINDOW_SHARE / max(is_ic.mean(), 1e-9))
    hire[new] = ws + (rng.random(new.sum()) * (we - ws - 45 * DAY)).astype(np.int64)
    hire -= hire % DAY

    term = np.full(n, FAR_FUTURE, dtype=np.int64)
    candidates = np.flatnonzero(is_ic & (hire < we - 60 * DAY))
    leavers = rng.choice(candidates, min(len(candidates), round(C.TERMINATED_IN_WINDOW_SHARE * n)), replace=False)
    earliest = np.maximum(ws, hire[leavers] + 30 * DAY)
    term[leavers] = earliest + (rng.random(len(leavers)) * (we - DAY - earliest)).astype(np.int64)
    term[leavers] -= term[leavers] % DAY
    return hire, term


def _band(z: np.ndarray) -> np.ndarray:
    return np.array(C.BANDS)[np.searchsorted(-np.array(C.BAND_Z_CUTS), -z)]


def build_people(rng, n: int, window: Window) -> pd.DataFrame:
    """One row per employee (incl. leavers) with HRIS attributes and the latent truth."""
    org = _hierarchy(rng, n)
    n = len(org)
    org["level_group"] = org["level"].map(C.LEVEL_GROUPS)
    org = pd.concat([org, _names(rng, n)], axis=1)
    org["employee_id"] = (1001 + rng.permutation(n)).astype(str)
    has_boss = org["manager_idx"].to_numpy() >= 0
    org["manager_id"] = None
    org.loc[has_boss, "manager_id"] = org["employee_id"].to_numpy()[org["manager_idx"].to_numpy()[has_boss]]
    org["display_name"] = org["first_name"] + " " + org["last_name"]
    org["work_email"] = org["email_handle"] + "@" + C.EMAIL_DOMAIN

    level_pos = org["level"].map({lv: i for i, lv in enumerate(C.LEVELS)}).to_numpy()
    titles = {d: np.array(t) for d, t in C.JOB_TITLES.items()}
    mids = {d: np.array(t, dtype=float) for d, t in C.PAY_MIDPOINTS.items()}
    org["job_title"] = [titles[d][p] for d, p in zip(org["department"], level_pos)]
    org.loc[0, "job_title"] = C.JOB_TITLES["Executive"][-1]
    mid = np.array([mids[d][p] for d, p in zip(org["department"], level_pos)])
    org["pay_range_midpoint"] = mid
    org["pay_range_min"] = mid * (1 - C.PAY_RANGE_SPREAD)
    org["pay_range_max"] = mid * (1 + C.PAY_RANGE_SPREAD)

    z = rng.standard_normal(n)
    org["true_performance"] = z
    org["true_band"] = _band(z)
    org["salary"] = np.round(mid * (1 + 0.03 * z + C.COMPA_SD * rng.standard_normal(n)), -2)
    is_manager = np.isin(np.arange(n), org["manager_idx"].to_numpy())
    org["leniency"] = np.where(is_manager, C.LENIENCY_SD * rng.standard_normal(n), np.nan)
    org["rater_noise"] = np.where(is_manager, rng.uniform(*C.RATER_NOISE_RANGE, n), np.nan)

    hire, term = _dates(rng, org, window)
    org["hire_s"], org["term_s"] = hire, term
    terminated = term < FAR_FUTURE
    org["status"] = np.where(terminated, "Inactive", "Active")
    # Regrettable losses: about half, more likely for strong performers.
    regrettable = rng.random(n) < 1 / (1 + np.exp(-1.2 * z))
    org["regrettable"] = pd.array(np.where(terminated, regrettable, pd.NA), dtype="boolean")
    org["hire_date"] = pd.to_datetime(hire, unit="s").date
    org["termination_date"] = [pd.Timestamp(t, unit="s").date() if t < FAR_FUTURE else None for t in term]
    org["location"] = rng.choice(["Remote", "New York", "London", "Berlin", "Toronto"], n)
    return org


HRIS_COLUMNS = [
    "employee_id",
    "first_name",
    "last_name",
    "display_name",
    "work_email",
    "gender",
    "department",
    "job_title",
    "level",
    "level_group",
    "manager_id",
    "hire_date",
    "termination_date",
    "status",
    "regrettable",
    "salary",
    "pay_range_min",
    "pay_range_midpoint",
    "pay_range_max",
    "location",
]


def _mismatched_emails(rng, people: pd.DataFrame) -> np.ndarray:
    personal = people["email_handle"] + "@" + rng.choice(["gmail.example", "outlook.example"], len(people))
    alias = (people["first_name"].str[0] + people["last_name"]).str.lower() + "@" + C.EMAIL_DOMAIN
    return np.where(rng.random(len(people)) < 0.5, personal, alias)


def build_accounts(rng, people: pd.DataFrame, jira_hidden_email_share: float) -> dict[str, pd.DataFrame]:
    """Per system: employee row index, the system's own id, name and the email it holds."""
    accounts = {}
    for system, departments in ACCOUNT_SYSTEMS.items():
        idx = np.flatnonzero(people["department"].isin(departments).to_numpy())
        members = people.iloc[idx]
        k = len(idx)
        email = members["work_email"].to_numpy().copy()
        mismatch = rng.random(k) < C.EMAIL_MISMATCH_SHARE
        email[mismatch] = _mismatched_emails(rng, members)[mismatch]
        frame = pd.DataFrame(
            {
                "person": idx,
                "name": members["display_name"].to_numpy(),
                "email": email,
                "active": members["status"].eq("Active").to_numpy(),
            }
        )
        if system == "jira":
            frame["account_id"] = unique_codes(rng, k, HEX, 24)
            frame.loc[rng.random(k) < jira_hidden_email_share, "email"] = None
        elif system == "github":
            login = pd.Series((members["first_name"].str[0] + members["last_name"]).str.lower().to_numpy())
            login = login.where(rng.random(k) < 0.5, login + "-" + rng.integers(10, 99, k).astype(str))
            nth = login.groupby(login).cumcount()
            frame["account_id"] = login.where(nth == 0, login + (nth + 1).astype(str)).to_numpy()
        elif system == "salesforce":
            frame["account_id"] = unique_codes(rng, k, BASE62, 15, prefix="005")
        elif system == "zendesk":
            frame["account_id"] = unique_ints(rng, k, 360_000_000_000, 369_999_999_999)
        else:
            frame["account_id"] = unique_codes(rng, k, BASE36, 6, prefix="P")
        frame["email"] = pd.Series(frame["email"].to_numpy(dtype=object), dtype=object)
        frame.loc[frame["email"].isna(), "email"] = None
        accounts[system] = frame
    return accounts
