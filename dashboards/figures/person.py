"""Figures about one person: score trend, metric scores, peer benchmark, competency radar."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..formatting import missing
from .style import (
    ACCENT,
    BAND_COLOURS,
    BAR_ROW_PX,
    HEIGHT,
    NEUTRAL,
    OTHER_COLOUR,
    _axis,
    _list,
    _num,
    _nums,
    _strs,
    esc,
    layout,
)


def score_trend(history: pd.DataFrame, *, title: str = "Your performance score by quarter (0-100)") -> dict:
    """history: quarter (label), performance_score, rating_band; one row per quarter, oldest first.

    Like every builder here, it reads only frame[column], so a dict of column lists works too.
    """
    quarters = _strs(history["quarter"])
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": "Performance score",
                "x": quarters,
                "y": _nums(history["performance_score"]),
                "text": _strs(history["rating_band"]),
                "textposition": "top center",
                "line": {"color": ACCENT, "width": 3},
                "marker": {"size": 9},
                "hovertemplate": "%{x}: %{y:.1f} of 100 (%{text})<extra></extra>",
            }
        ],
        "layout": layout(
            title,
            showlegend=False,
            margin={"l": 60, "r": 30, "t": 56, "b": 50},
            xaxis=_axis("Quarter", type="category", range=[-0.5, len(quarters) - 0.5]),
            yaxis=_axis("Score (0-100)", range=[0, 108]),
        ),
    }


def format_value(value, unit: str | None) -> str:
    """A metric value in its unit, in plain words: 86,900 USD per month, 91.9%, 0.67 ratio."""
    if value is None or pd.isna(value):
        return "no data"
    value, unit = float(value), (unit or "").strip()
    if unit == "percent":
        return f"{value:.1f}%"
    size = abs(value)
    number = f"{value:,.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else f"{value:.2f}"
    return f"{number} {unit}".strip()


def metric_scores(
    metrics: pd.DataFrame, *, title: str = "Your metrics this quarter (score 0-100 and value vs target)"
) -> dict:
    """metrics: metric_name, metric_score (0-100), metric_band, metric_value, unit, threshold_meets.

    One bar per metric (score 0-100, coloured by band); the label says the value and the target (the
    'meets' threshold) in the metric's own unit.
    """
    labels = [
        f'{esc(name)}<br><span style="font-size:11px;color:#475569">{esc(value_and_target(v, t, u))}</span>'
        for name, v, t, u in zip(
            _list(metrics["metric_name"]),
            _list(metrics["metric_value"]),
            _list(metrics["threshold_meets"]),
            _list(metrics["unit"]),
        )
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Metric score",
                "y": labels,
                "x": _nums(metrics["metric_score"]),
                "text": [f"{v:.0f}" if not missing(v) else "" for v in _list(metrics["metric_score"])],
                "textposition": "auto",
                "customdata": _strs(metrics["metric_band"]),
                "marker": {"color": [BAND_COLOURS.get(b, OTHER_COLOUR) for b in _list(metrics["metric_band"])]},
                "hovertemplate": "%{x:.0f} of 100 (%{customdata})<extra></extra>",
            }
        ],
        "layout": layout(
            title,
            showlegend=False,
            height=max(HEIGHT, 80 + 2 * BAR_ROW_PX * len(labels)),
            xaxis=_axis("Metric score (0-100), colour: band", range=[0, 100]),
            yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
            margin={"l": 20, "r": 20, "t": 56, "b": 50},
        ),
    }


def value_and_target(value, target, unit) -> str:
    """'42.0 points per month, target 40.0' (the unit once, after the value)."""
    if missing(value):
        return "no data"
    shown = format_value(value, unit)
    target_number = format_value(target, None) if (unit or "").strip() != "percent" else format_value(target, unit)
    return shown if missing(target) else f"{shown}, target {target_number}"


def peer_summary(scores: Sequence[float]) -> dict[str, float]:
    """Anonymous summary of peer scores: quartiles and the 10th/90th percentiles (never min or max)."""
    values = np.asarray([s for s in scores if s is not None and not pd.isna(s)], dtype=float)
    if values.size == 0:
        return {}
    p10, q1, median, q3, p90 = np.percentile(values, [10, 25, 50, 75, 90])
    return {
        "count": int(values.size),
        "p10": float(p10),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "p90": float(p90),
    }


def peer_benchmark(
    peer_scores: Sequence[float], own_score: float | None, group_label: str, *, title: str | None = None
) -> dict:
    """Your score against the anonymous distribution of your peers' scores (same role and level).

    Only summary statistics go into the figure (box from quartiles, whiskers at the 10th and 90th
    percentiles), so no single peer's score can be read off it.
    """
    summary = peer_summary(peer_scores)
    name = f"Peers ({summary.get('count', 0)} people)"
    data = [
        {
            "type": "box",
            "orientation": "h",
            "name": name,
            "y": [name],
            "q1": [_num(summary.get("q1"))],
            "median": [_num(summary.get("median"))],
            "q3": [_num(summary.get("q3"))],
            "lowerfence": [_num(summary.get("p10"))],
            "upperfence": [_num(summary.get("p90"))],
            "boxpoints": False,
            "hoverinfo": "x",
            "marker": {"color": NEUTRAL},
            "line": {"color": OTHER_COLOUR},
            "fillcolor": "rgba(148,163,184,0.35)",
        }
    ]
    if own_score is not None and not pd.isna(own_score):
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "You",
                "x": [_num(own_score)],
                "y": [name],
                "marker": {"size": 16, "color": ACCENT, "symbol": "diamond"},
                "hovertemplate": "You: %{x:.1f} of 100<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": layout(
            title or f"Your score among {group_label} peers (0-100)",
            height=220,
            xaxis=_axis("Performance score (0-100), box: middle half, whiskers: middle 80%", range=[0, 100]),
            yaxis={"showticklabels": False},
            margin={"l": 20, "r": 20, "t": 80, "b": 60},
        ),
    }


def competency_radar(
    competencies: pd.DataFrame,
    next_level: str | None,
    *,
    title: str = "Competencies: 360 rating now vs next level (levels 1-5)",
) -> dict:
    """competencies: competency_name, others_level (360 rating by others), next_level_required."""
    names = _strs(competencies["competency_name"])
    closed = names + names[:1]  # repeat the first point so the outline closes

    def ring(values):
        values = _nums(values, 2)
        return values + values[:1]

    data = [
        {
            "type": "scatterpolar",
            "name": "Rated now (peers and manager)",
            "r": ring(competencies["others_level"]),
            "theta": closed,
            "fill": "toself",
            "line": {"color": ACCENT},
            "fillcolor": "rgba(29,78,216,0.25)",
            "hovertemplate": "%{theta}: %{r:.1f} of 5<extra>now</extra>",
        }
    ]
    required = _list(competencies["next_level_required"])
    if next_level and any(not missing(v) for v in required):
        data.append(
            {
                "type": "scatterpolar",
                "name": f"Required for {next_level}",
                "r": ring(required),
                "theta": closed,
                "line": {"color": "#ea580c", "dash": "dash"},
                "hovertemplate": "%{theta}: %{r:.0f} of 5<extra>required</extra>",
            }
        )
    return {
        "data": data,
        "layout": layout(
            title,
            height=360,
            polar={"radialaxis": {"range": [0, 5], "dtick": 1}},
            margin={"l": 60, "r": 60, "t": 90, "b": 30},
            legend={"orientation": "h", "x": 0, "y": 1.08, "yanchor": "bottom"},
        ),
    }


# --- manager ------------------------------------------------------------------------------------------
