"""Per-system activity generated from role, level, employment and latent performance.

Everything is vectorised: each table is a DataFrame of numbers (row indices into
`people`, epoch seconds, codes); vendor JSON is rendered from it only when served.
"""

import math

import numpy as np
import pandas as pd

from . import config as C
from .timeline import DAY, Window, employed_span, uniform_in

NONE = -1  # missing row index / timestamp in integer columns


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _logit(p):
    return math.log(p / (1 - p))


def events(rng, hire, term, bounds, rate) -> pd.DataFrame:
    """Poisson events per person and period, prorated by employment, uniform in the employed part.

    `rate` is the expected count per person in a full period. Returns the person's
    position in `hire`, the period, the event time and the employed span [a, b) of that period.
    """
    a, b = employed_span(hire, term, bounds[:-1], bounds[1:])
    frac = (b - a) / np.diff(bounds)[None, :]
    counts = rng.poisson(rate[:, None] * frac).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    a, b = a.ravel()[cell], b.ravel()[cell]
    person, period = np.divmod(cell, len(bounds) - 1)
    return pd.DataFrame({"who": person, "period": period, "t": uniform_in(rng, a, b), "a": a, "b": b})


def _capped(t, limit):
    return np.minimum(t, limit - 1)


class Workforce:
    """ICs of one department with their teams, rates and employment (positions, not row ids)."""

    def __init__(self, people: pd.DataFrame, department: str):
        mask = people["department"].eq(department).to_numpy() & people["level_group"].eq("IC").to_numpy()
        rows = np.flatnonzero(mask)
        order = np.argsort(people["manager_idx"].to_numpy()[rows], kind="stable")
        self.rows = rows[order]
        sub = people.iloc[self.rows]
        self.z = sub["true_performance"].to_numpy()
        self.level_output = sub["level"].map(C.LEVEL_OUTPUT).to_numpy(dtype=float)
        self.hire = sub["hire_s"].to_numpy()
        self.term = sub["term_s"].to_numpy()
        self.team = np.unique(sub["manager_idx"].to_numpy(), return_inverse=True)[1]
        starts = np.flatnonzero(np.r_[True, np.diff(self.team) != 0])
        sizes = np.diff(np.r_[starts, len(self.rows)])
        self.team_start = np.repeat(starts, sizes)
        self.team_size = np.repeat(sizes, sizes)
        self.n_teams = len(starts)

    def rate(self, base, effect_key):
        return base * self.level_output * np.exp(C.Z_EFFECT[effect_key] * self.z)

    def teammate(self, rng, who):
        """A random other member of each `who`'s team (NONE in one-person teams)."""
        size = self.team_size[who]
        pos = who - self.team_start[who]
        other = self.team_start[who] + (pos + 1 + rng.integers(0, np.maximum(size - 1, 1))) % size
        return np.where(size > 1, other, NONE)

    def employed_at(self, who, t):
        return (self.hire[who] <= t) & (t < self.term[who])


def jira_issues(rng, eng: Workforce, window: Window, n_projects: int, scale: float = 1.0):
    bounds = window.sprint_bounds(C.SPRINT_DAYS)
    n_sprints = len(bounds) - 1
    ev = events(rng, eng.hire, eng.term, bounds, eng.rate(C.ISSUES_PER_SPRINT * scale, "issues"))
    who, sprint, n = ev["who"].to_numpy(), ev["period"].to_numpy(), len(ev)
    z = eng.z[who]
    points = rng.choice(C.STORY_POINTS, n, p=C.STORY_POINT_SHARES).astype(float)
    points = np.where(rng.random(n) < C.UNESTIMATED_ISSUE_SHARE, np.nan, points)
    commit = ev["a"].to_numpy()
    created = np.maximum(window.start_s, commit - (rng.random(n) * 21 * DAY).astype(np.int64))
    in_sprint = rng.random(n) < _sigmoid(C.SPRINT_COMPLETION_LOGIT + 0.6 * z)
    resolved = np.where(in_sprint, uniform_in(rng, commit, ev["b"].to_numpy()), NONE)

    # Carried over: appears in the next sprint too, and is usually resolved there.
    nxt = np.minimum(sprint + 1, n_sprints - 1)
    carry_a = np.maximum(bounds[nxt], eng.hire[who])
    carry_b = np.minimum(bounds[nxt + 1], eng.term[who])
    carried = ~in_sprint & (sprint + 1 < n_sprints) & (carry_b - carry_a > DAY)
    done_later = carried & (rng.random(n) < 0.9)
    resolved = np.where(done_later, uniform_in(rng, carry_a, np.maximum(carry_a, carry_b)), resolved)

    end = window.end_s
    updated = np.where(
        resolved != NONE,
        _capped(resolved + rng.integers(0, 3600, n), end),
        uniform_in(rng, created, np.full(n, end - 1)),
    )
    issues = pd.DataFrame(
        {
            "who": np.where(rng.random(n) < C.UNASSIGNED_ISSUE_SHARE, NONE, who),
            "project": eng.team[who] % n_projects,
            "sprint": sprint,
            "sprint2": np.where(carried, sprint + 1, NONE),
            "points": points,
            "issue_type": rng.choice(3, n, p=[0.6, 0.25, 0.15]),
            "created": created,
            "resolved": resolved,
            "updated": updated,
        }
    ).sort_values(["created", "who"], kind="stable", ignore_index=True)
    issues["id"] = 10_000 + np.arange(n)
    issues["number"] = issues.groupby("project").cumcount() + 1
    return issues.sort_values(["updated", "id"], ignore_index=True), bounds


def pull_requests(rng, eng: Workforce, window: Window, n_repos: int):
    ev = events(rng, eng.hire, eng.term, window.month_bounds(), eng.rate(C.PRS_PER_MONTH, "prs"))
    who, created, n = ev["who"].to_numpy(), ev["t"].to_numpy(), len(ev)
    home = (eng.team[who] // C.TEAMS_PER_REPO) % n_repos
    repo = np.where(rng.random(n) < 0.8, home, rng.integers(0, n_repos, n))
    median = C.PR_CYCLE_MEDIAN_HOURS * 3600 * np.exp(C.Z_EFFECT["cycle"] * eng.z[who])
    cycle = (median * rng.lognormal(0, 0.6, n)).astype(np.int64)
    merged = rng.random(n) < C.PR_MERGED_SHARE
    closed = created + np.where(merged, cycle, (cycle * 0.7).astype(np.int64))
    is_open = closed >= window.end_s
    closed = np.where(is_open, NONE, closed)
    merged &= ~is_open
    prs = pd.DataFrame({"who": who, "repo": repo, "created": created, "closed": closed, "merged": merged})

    per_pr = rng.poisson(C.REVIEWS_PER_PR, n)
    pr = np.repeat(np.arange(n), per_pr)
    reviewer = eng.teammate(rng, who[pr])
    until = np.where(is_open, window.end_s - 1, closed)[pr]
    submitted = uniform_in(rng, created[pr], until)
    keep = reviewer != NONE
    keep[keep] &= eng.employed_at(reviewer[keep], submitted[keep])
    reviews = pd.DataFrame(
        {
            "pr": pr[keep],
            "who": reviewer[keep],
            "submitted": submitted[keep],
            "state": rng.choice(4, int(keep.sum()), p=[0.6, 0.13, 0.25, 0.02]),
        }
    )

    last_review = np.full(n, NONE)
    np.maximum.at(last_review, reviews["pr"].to_numpy(), reviews["submitted"].to_numpy())
    touched = np.maximum(np.where(is_open, uniform_in(rng, created, np.full(n, window.end_s - 1)), closed), last_review)
    prs["updated"] = _capped(touched + rng.integers(0, 3600, n), window.end_s)
    prs["number"] = prs.sort_values(["repo", "created"], kind="stable").groupby("repo").cumcount() + 1
    return _order_for_serving(prs, reviews)


def _order_for_serving(prs: pd.DataFrame, reviews: pd.DataFrame):
    """PRs by (repo, updated desc) as GitHub lists them; reviews re-pointed and grouped by PR."""
    order = np.lexsort((-prs["number"].to_numpy(), -prs["updated"].to_numpy(), prs["repo"].to_numpy()))
    new_pos = np.empty(len(prs), dtype=np.int64)
    new_pos[order] = np.arange(len(prs))
    prs = prs.iloc[order].reset_index(drop=True)
    reviews = reviews.assign(pr=new_pos[reviews["pr"].to_numpy()])
    reviews = reviews.sort_values(["pr", "submitted"], kind="stable", ignore_index=True)
    reviews["id"] = 2_000_000_000 + np.arange(len(reviews))
    return prs, reviews


def sonar_history(rng, eng: Workforce, prs: pd.DataFrame, window: Window, n_repos: int) -> pd.DataFrame:
    """Weekly ratings and coverage per repo, following the strength of who merged into it lately."""
    weeks = window.week_starts()
    merged = prs[prs["merged"]]
    week = np.clip(np.searchsorted(weeks, merged["closed"].to_numpy(), side="right") - 1, 0, len(weeks) - 1)
    z_sum = np.zeros((n_repos, len(weeks)))
    count = np.zeros((n_repos, len(weeks)))
    np.add.at(z_sum, (merged["repo"].to_numpy(), week), eng.z[merged["who"].to_numpy()])
    np.add.at(count, (merged["repo"].to_numpy(), week), 1)
    trailing = 8

    def rolling(x):
        c = np.cumsum(x, axis=1)
        return c - np.pad(c, ((0, 0), (trailing, 0)))[:, : x.shape[1]]

    strength = rolling(z_sum) / np.maximum(rolling(count), 1)
    drift = np.cumsum(rng.normal(0, 0.05, strength.shape), axis=1)
    quality = strength + drift + rng.normal(0, 0.15, (n_repos, 1))

    def rating(shift):
        return np.clip(np.round(2.3 - 1.1 * quality + shift + rng.normal(0, 0.25, quality.shape)), 1, 5)

    values = {
        "reliability_rating": rating(0.0),
        "security_rating": rating(-0.3),
        "sqale_rating": rating(0.2),
        "coverage": np.clip(68 + 12 * quality + rng.normal(0, 1.5, quality.shape), 5, 98).round(1),
        "ncloc": np.round(rng.uniform(8_000, 120_000, (n_repos, 1)) * np.exp(0.002 * np.arange(len(weeks)))),
    }
    frames = []
    for m, metric in enumerate(C.SONAR_METRICS):
        v = values[metric]
        frames.append(
            pd.DataFrame(
                {
                    "repo": np.repeat(np.arange(n_repos), len(weeks)),
                    "metric": m,
                    "date": np.tile(weeks, n_repos),
                    "value": v.ravel(),
                }
            )
        )
    history = pd.concat(frames, ignore_index=True)
    history.loc[rng.random(len(history)) < C.SONAR_MISSING_VALUE_SHARE, "value"] = np.nan
    return history.sort_values(["repo", "metric", "date"], ignore_index=True)


OPEN_STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review")
OPP_TYPES = ("New Business", "Existing Business", "Renewal")


def opportunities(rng, sales: Workforce, window: Window, scale: float = 1.0) -> pd.DataFrame:
    months = window.month_bounds()
    end = window.end_s
    new = events(rng, sales.hire, sales.term, months, sales.rate(C.NEW_OPPS_PER_MONTH * scale, "opps"))
    n = len(new)
    created = new["t"].to_numpy()
    delay = (C.OPP_CLOSE_MEDIAN_DAYS * DAY * rng.lognormal(0, 0.5, n)).astype(np.int64)
    closing = created + delay
    z = sales.z[new["who"].to_numpy()]
    new_frame = pd.DataFrame(
        {
            "who": new["who"].to_numpy(),
            "type": np.where(rng.random(n) < 0.15, 1, 0),
            "created": created,
            "closing": closing,
            "closed": closing < end,
            "won": rng.random(n) < _sigmoid(_logit(C.WIN_RATE) + 0.5 * z),
            "amount": C.NEW_OPP_MEDIAN_AMOUNT * rng.lognormal(0, 0.7, n),
        }
    )

    ren = events(rng, sales.hire, sales.term, months, np.full(len(sales.rows), C.RENEWALS_PER_MONTH * scale))
    m = len(ren)
    due = ren["t"].to_numpy()
    z = sales.z[ren["who"].to_numpy()]
    renewals = pd.DataFrame(
        {
            "who": ren["who"].to_numpy(),
            "type": 2,
            "created": np.maximum(window.start_s, due - rng.integers(30 * DAY, 90 * DAY, m)),
            "closing": due,
            "closed": True,
            "won": rng.random(m) < _sigmoid(_logit(C.RENEWAL_WIN_RATE) + 0.5 * z),
            "amount": C.RENEWAL_MEDIAN_AMOUNT * rng.lognormal(0, 0.5, m),
        }
    )
    opps = pd.concat([new_frame, renewals], ignore_index=True)
    k = len(opps)
    opps["won"] &= opps["closed"]
    opps["amount"] = opps["amount"].round(-2).where(rng.random(k) >= C.NULL_AMOUNT_SHARE)
    opps["close_date"] = np.where(opps["closed"], opps["closing"], np.minimum(opps["closing"], end - DAY))
    opps["stage"] = np.where(opps["closed"], np.where(opps["won"], -1, -2), rng.integers(0, len(OPEN_STAGES), k))
    modified = np.where(
        opps["closed"],
        opps["closing"] + rng.integers(0, 2 * DAY, k),
        uniform_in(rng, opps["created"].to_numpy(), np.full(k, end - 1)),
    )
    opps["modified"] = _capped(modified, end)
    opps["account"] = rng.integers(0, max(50, 20 * len(sales.rows)), k)
    opps = opps.sort_values(["created", "who"], kind="stable", ignore_index=True)
    opps["seq"] = np.arange(k)
    return opps.sort_values(["modified", "seq"], ignore_index=True)


def tickets(rng, support: Workforce, window: Window, scale: float = 1.0):
    end = window.end_s
    ev = events(
        rng, support.hire, support.term, window.month_bounds(), support.rate(C.TICKETS_PER_MONTH * scale, "tickets")
    )
    who, created, n = ev["who"].to_numpy(), ev["t"].to_numpy(), len(ev)
    z = support.z[who]
    reply = C.FIRST_REPLY_MEDIAN_MINUTES * np.exp(C.Z_EFFECT["reply"] * z) * rng.lognormal(0, 0.8, n)
    resolution = C.RESOLUTION_MEDIAN_MINUTES * np.exp(C.Z_EFFECT["resolution"] * z) * rng.lognormal(0, 0.9, n)
    resolution = np.maximum(resolution, reply + 1)
    solved = created + (resolution * 60).astype(np.int64)
    # A leaver's open tickets are solved before they go.
    term = support.term[who]
    late = solved >= term
    solved[late] = uniform_in(rng, created[late], term[late])
    resolution = np.where(late, (solved - created) / 60, resolution)
    reply = np.minimum(reply, resolution)
    replied_at = created + (reply * 60).astype(np.int64)
    has_reply = replied_at < end
    is_solved = solved < end
    closed = is_solved & (solved + C.ZENDESK_CLOSE_AFTER_DAYS * DAY < end)

    outcome = rng.random(n)
    answered = is_solved & (outcome < C.SATISFACTION_ANSWERED_SHARE)
    offered = is_solved & ~answered & (outcome < C.SATISFACTION_ANSWERED_SHARE + C.SATISFACTION_OFFERED_SHARE)
    unoffered = (
        is_solved
        & ~answered
        & ~offered
        & (outcome < C.SATISFACTION_ANSWERED_SHARE + C.SATISFACTION_OFFERED_SHARE + C.SATISFACTION_UNOFFERED_SHARE)
    )
    rated_at = solved + rng.integers(3600, 72 * 3600, n)
    has_rating = (answered | offered | unoffered) & (rated_at < end)
    good = rng.random(n) < _sigmoid(_logit(C.SATISFACTION_GOOD_RATE) + 0.6 * z)
    # score codes: 0 good, 1 bad, 2 offered, 3 unoffered
    score = np.select([answered & good, answered, offered], [0, 1, 2], 3)

    status = np.select([closed, is_solved, has_reply & (rng.random(n) < 0.7), has_reply], [4, 3, 1, 2], 0)
    touched = np.select(
        [closed, is_solved, has_reply],
        [solved + C.ZENDESK_CLOSE_AFTER_DAYS * DAY, solved, uniform_in(rng, replied_at, np.full(n, end - 1))],
        created,
    )
    touched = np.where(has_rating, np.maximum(touched, rated_at), touched)
    business = rng.uniform(0.4, 0.9, n)
    frame = pd.DataFrame(
        {
            "who": np.where(status == 0, NONE, who),
            "agent": who,
            "created": created,
            "updated": _capped(touched, end),
            "status": status,
            "reply_min": np.where(has_reply, np.round(reply), np.nan),
            "reply_bmin": np.where(has_reply, np.round(reply * business), np.nan),
            "resolution_min": np.where(is_solved, np.round(resolution), np.nan),
            "resolution_bmin": np.where(is_solved, np.round(resolution * business), np.nan),
            "solved": np.where(is_solved, solved, NONE),
            "requester": 9_000_000_000 + rng.integers(0, max(100, 30 * len(support.rows)), n),
            "channel": rng.choice(3, n, p=[0.6, 0.3, 0.1]),
            "subject": rng.integers(0, 1_000, n),
            "score": score,
            "rated_at": np.where(has_rating, rated_at, NONE),
        }
    ).sort_values(["created", "agent"], kind="stable", ignore_index=True)
    frame["id"] = 1 + np.arange(n)
    ratings = frame.loc[frame["rated_at"] != NONE, ["id", "agent", "requester", "score", "rated_at"]]
    ratings = ratings.rename(columns={"id": "ticket"}).sort_values(["rated_at", "ticket"], ignore_index=True)
    ratings["id"] = 50_000_000_000 + np.arange(len(ratings))
    return frame.sort_values(["updated", "id"], ignore_index=True), ratings


def incidents(rng, eng: Workforce, window: Window, n_repos: int, scale: float = 1.0) -> pd.DataFrame:
    end = window.end_s
    ev = events(
        rng,
        eng.hire,
        eng.term,
        window.month_bounds(),
        C.INCIDENTS_PER_MONTH * scale * np.exp(C.Z_EFFECT["incidents"] * eng.z),
    )
    who, created, n = ev["who"].to_numpy(), ev["t"].to_numpy(), len(ev)
    acked = created + rng.integers(60, 900, n)
    resolved = acked + (2 * 3600 * rng.lognormal(0, 0.8, n)).astype(np.int64)
    status = np.select([resolved < end, acked < end], [2, 1], 0)  # resolved, acknowledged, triggered
    frame = pd.DataFrame(
        {
            "who": who,
            "created": created,
            "status": status,
            "acked": np.where(status >= 1, acked, NONE),
            "changed": np.select([status == 2, status == 1], [resolved, acked], created),
            "service": (eng.team[who] // C.TEAMS_PER_REPO) % n_repos,
            "urgency": (rng.random(n) < 0.3).astype(int),
        }
    ).sort_values(["created", "who"], kind="stable", ignore_index=True)
    frame["number"] = 1 + np.arange(n)
    return frame
