"""The review tool's CSV exports (format: README, "Review-tool exports"), one frame per file."""

from datetime import date

import numpy as np
import pandas as pd

from . import config as C
from .timeline import DAY, Window, epoch

COMMENTS = (
    "Consistently delivers on commitments.",
    "Could share context earlier with the team.",
    "Great partner in cross-team work.",
    "Needs to grow in prioritisation.",
    'Clear communicator, "no surprises".',
    "Raises the bar, e.g. reviews, docs, and mentoring.",
)
DECISION_REASONS = {
    "kept": ("", "Rating confirmed by the committee.", "Consistent with peers at this level."),
    "up": (
        "Impact beyond the team not reflected in the rating.",
        "Committee: delivery evidence supports a higher rating.",
        "Manager's rating harsher than peers' for similar results.",
    ),
    "down": (
        "Committee: results below what the rating implies for this level.",
        "Rating lenient against peers with similar outcomes.",
        "Evidence of impact too thin for this rating.",
    ),
}
APPEAL_REASONS = (
    "Rating does not reflect the projects delivered.",
    "Missing context on a team change.",
    "Peer feedback came from people I did not work with.",
    "",
)


def review_cycles(window: Window) -> list[tuple[str, int]]:
    """(label, epoch of the quarter's last second + 1) for quarters that end inside the window."""
    cycles = []
    y, q = window.start.year, (window.start.month - 1) // 3 + 1
    while True:
        end = date(y + q // 4, q % 4 * 3 + 1, 1)  # first day after the quarter
        if end > window.end:
            return cycles
        if end > window.start:
            cycles.append((f"{y}-Q{q}", epoch(end)))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)


def _iso(seconds) -> np.ndarray:
    return pd.to_datetime(np.asarray(seconds), unit="s").strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()


def _after(rng, start, low_days, high_days, limit):
    t = start + rng.integers(low_days * DAY, high_days * DAY, np.size(start))
    return t, t < limit


def _band(score) -> np.ndarray:
    return np.array(C.BANDS)[np.searchsorted(-np.array(C.BAND_Z_CUTS), -score)]


def _peers(rng, manager: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two distinct teammates (positions in `manager`, or -1) of each person, by shared manager."""
    order = np.argsort(manager, kind="stable")
    sorted_mgr = manager[order]
    starts = np.flatnonzero(np.r_[True, np.diff(sorted_mgr) != 0])
    sizes = np.diff(np.r_[starts, len(manager)])
    start, size = np.repeat(starts, sizes), np.repeat(sizes, sizes)
    pos = np.arange(len(manager)) - start
    first = 1 + rng.integers(0, np.maximum(size - 1, 1))
    second = first % np.maximum(size - 1, 1) + 1
    peer1 = np.where(size > 1, order[start + (pos + first) % size], -1)
    peer2 = np.where(size > 2, order[start + (pos + second) % size], -1)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return peer1[back], peer2[back]


def _decisions(cycle, q_end, end, ratings, score, leniency, department) -> pd.DataFrame:
    """The calibration meeting's decisions on the cycle's submitted ratings, once it has met: the
    committee sees through part of each manager's leniency, with noise of its own, so most ratings are
    kept and some move (with a reason). HR closes the cycle ``CLOSE_DAYS`` after the quarter."""
    rng = np.random.default_rng([q_end, len(ratings), 11])  # its own: every other export stays as it was
    decided = q_end + rng.integers(C.DECISION_DAYS[0] * DAY, C.DECISION_DAYS[1] * DAY, len(ratings))
    committee = score - C.COMMITTEE_SEES_LENIENCY * leniency + C.COMMITTEE_NOISE * rng.standard_normal(len(ratings))
    final = _band(committee)
    rank = {band: i for i, band in enumerate(C.BANDS)}  # best first
    move = np.sign(ratings["rating"].map(rank).to_numpy() - pd.Series(final).map(rank).to_numpy())
    kind = np.select([move > 0, move < 0], ["up", "down"], "kept")
    reasons = np.array([rng.choice(DECISION_REASONS[k]) for k in kind], dtype=object)
    closed = q_end + C.CLOSE_DAYS * DAY
    frame = pd.DataFrame(
        {
            "cycle": cycle,
            "employee_id": ratings["employee_id"].to_numpy(),
            "final_rating": final,
            "reason": reasons,
            "decided_by": [f"committee:{d}" for d in department],
            "decided_at": _iso(decided),
            "closed_at": _iso(np.full(len(ratings), closed)) if closed <= end else "",
        }
    )
    met = (decided <= end).all()  # the export holds a meeting's decisions once the meeting is over
    return frame if met else frame.iloc[:0]


def review_exports(
    rng,
    people: pd.DataFrame,
    window: Window,
    competency_keys: dict[str, str] | None = None,
    ratings_wait_for_finished_reviews: bool = False,
) -> dict[str, pd.DataFrame]:
    """The five exports; ``competency_keys`` renames the framework's competencies as the company's
    review tool calls them; with ``ratings_wait_for_finished_reviews`` an unfinished review has no rating."""
    keys = competency_keys or {}
    ids = people["employee_id"].to_numpy()
    z = people["true_performance"].to_numpy()
    mgr = people["manager_idx"].to_numpy()
    leniency = np.nan_to_num(people["leniency"].to_numpy())
    noise = np.nan_to_num(people["rater_noise"].to_numpy())
    out = {
        k: []
        for k in (
            "manager_ratings.csv",
            "competency_ratings.csv",
            "review_completions.csv",
            "appeals.csv",
            "process_survey.csv",
            "calibration_decisions.csv",
        )
    }
    end = window.end_s
    for cycle, q_end in review_cycles(window):
        employed = (people["hire_s"].to_numpy() <= q_end - 30 * DAY) & (people["term_s"].to_numpy() >= q_end)
        rated = np.flatnonzero(employed & (mgr >= 0))
        boss = mgr[rated]
        at_end = np.full(len(rated), q_end)
        submitted, ok = _after(rng, at_end, 3, 25, end)
        score = z[rated] + leniency[boss] + noise[boss] * rng.standard_normal(len(rated))
        all_ratings = pd.DataFrame(
            {
                "cycle": cycle,
                "employee_id": ids[rated],
                "manager_id": ids[boss],
                "rating": _band(score),
                "submitted_at": _iso(submitted),
            }
        )
        kept = ok  # the ratings the export holds (submitted before it was taken)
        ratings = all_ratings[kept]
        out["manager_ratings.csv"].append(ratings)

        peer1, peer2 = _peers(rng, boss)
        raters = [
            ("self", np.arange(len(rated)), 0.4),
            ("manager", None, 0.0),
            ("peer", peer1, 0.0),
            ("peer", peer2, 0.0),
        ]
        for rater_type, pos, bias in raters:
            rater = boss if pos is None else np.where(pos >= 0, rated[np.maximum(pos, 0)], -1)
            for competency in C.COMPETENCIES_ALL + ("technical_expertise", "customer_focus", "leadership"):
                applies = rater >= 0
                if competency == "leadership":
                    applies &= people["level_group"].to_numpy()[rated] != "IC"
                elif competency not in C.COMPETENCIES_ALL:
                    dept = people["department"].to_numpy()[rated]
                    applies &= np.isin(dept, [d for d, cs in C.COMPETENCIES_BY_DEPARTMENT.items() if competency in cs])
                k = len(rated)
                lean = 0.5 * leniency[boss] if rater_type == "manager" else 0.0
                level = np.clip(np.round(3 + 0.8 * z[rated] + bias + lean + 0.6 * rng.standard_normal(k)), 1, 5)
                comment = np.where(rng.random(k) < 0.15, rng.choice(COMMENTS, k), "")
                out["competency_ratings.csv"].append(
                    pd.DataFrame(
                        {
                            "cycle": cycle,
                            "employee_id": ids[rated],
                            "rater_id": ids[np.maximum(rater, 0)],
                            "rater_type": rater_type,
                            "competency": keys.get(competency, competency),
                            "level": level.astype(int),
                            "comment": comment,
                        }
                    )[applies]
                )

        started, ok = _after(rng, at_end, 1, 10, end)
        finished, done = _after(rng, started, 1, 14, end)
        done &= rng.random(len(rated)) >= C.UNFINISHED_REVIEW_SHARE
        if ratings_wait_for_finished_reviews:
            kept = kept & done
            ratings = all_ratings[kept]
            out["manager_ratings.csv"][-1] = ratings
        # Its own generator, so adding the column left every other export of a seed unchanged.
        minutes_rng = np.random.default_rng([q_end, len(rated)])
        minutes = np.round(
            C.REVIEW_MINUTES_MEDIAN * np.exp(C.REVIEW_MINUTES_SPREAD * minutes_rng.standard_normal(len(rated)))
        )
        out["review_completions.csv"].append(
            pd.DataFrame(
                {
                    "cycle": cycle,
                    "employee_id": ids[rated],
                    "reviewer_id": ids[boss],
                    "started_at": _iso(started),
                    "finished_at": np.where(done, _iso(finished), ""),
                    "active_minutes": np.where(done, minutes.astype(int).astype(str), ""),
                }
            )[ok]
        )

        out["calibration_decisions.csv"].append(
            _decisions(
                cycle,
                q_end,
                end,
                ratings,
                score[kept],
                leniency[boss][kept],
                people["department"].to_numpy()[rated][kept],
            )
        )

        appeal_p = ratings["rating"].map(C.APPEAL_RATE).to_numpy()
        appeals = rng.random(len(ratings)) < appeal_p
        appealing = ratings[appeals]
        filed, ok = _after(rng, submitted[kept][appeals], 1, 14, end)
        k = len(appealing)
        status = np.where(
            filed > end - 30 * DAY, "open", rng.choice(["upheld", "overturned", "withdrawn"], k, p=[0.5, 0.2, 0.3])
        )
        out["appeals.csv"].append(
            pd.DataFrame(
                {
                    "cycle": cycle,
                    "appeal_id": [f"APL-{cycle}-{i + 1:04d}" for i in range(k)],
                    "employee_id": appealing["employee_id"].to_numpy(),
                    "filed_at": _iso(filed),
                    "status": status,
                    "reason": rng.choice(APPEAL_REASONS, k),
                }
            )[ok]
        )

        surveyed = np.flatnonzero(employed)
        answered, ok = _after(rng, np.full(len(surveyed), q_end), 5, 28, end)
        keep = ok & (rng.random(len(surveyed)) < C.SURVEY_RESPONSE_RATE)
        surveyed, answered = surveyed[keep], answered[keep]
        out["process_survey.csv"].append(
            pd.DataFrame(
                {
                    "cycle": cycle,
                    "response_id": [f"SRV-{cycle}-{i + 1:05d}" for i in range(len(surveyed))],
                    "employee_id": ids[surveyed],
                    "score": rng.choice(11, len(surveyed), p=np.array([1, 1, 1, 2, 3, 5, 8, 14, 20, 25, 20]) / 100),
                    "submitted_at": _iso(answered),
                }
            )
        )
    return {name: pd.concat(frames, ignore_index=True) for name, frames in out.items()}
