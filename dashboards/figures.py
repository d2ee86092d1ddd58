"""Pure figure builders: frames in, one plotly figure out (a plain ``{"data": [...], "layout": {...}}`` dict).

Plain dicts, not ``go.Figure``: a dashboard site renders thousands of small figures and plotly's
per-trace validation and default template (several KB of JSON per figure) would dominate the build
time and the page size. The dicts use only documented plotly.js attributes, so ``go.Figure(fig)``
accepts every one of them (the unit tests check that).

Every figure carries a plain-words title with its unit. Values are rounded for display only; every
number comes from the frames given, none is made up here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .formatting import missing

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
BAND_COLOURS = {"Exceptional": "#1d4ed8", "Strong": "#0ea5e9", "Meets": "#94a3b8", "Improvement": "#dc2626"}
OTHER_COLOUR = "#64748b"
GOOD, BAD, NEUTRAL, ACCENT = "#16a34a", "#dc2626", "#94a3b8", "#1d4ed8"
SERIES_COLOURS = ("#1d4ed8", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#be123c", "#4d7c0f", "#a16207")
CATEGORY_LABELS = {"output_score": "Output", "quality_score": "Quality", "efficiency_score": "Efficiency",
                   "impact_score": "Impact", "performance_score": "Performance score"}
HEIGHT = 320
BAR_ROW_PX = 26  # height per bar of a horizontal bar chart


def _num(value, digits: int = 2):
    """A JSON-friendly rounded float, or None for missing values."""
    if missing(value):
        return None
    return round(float(value), digits)


def _list(values) -> list:
    """A column (Series, array or list) as a plain list: one conversion, then fast Python iteration."""
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _nums(values, digits: int = 2) -> list:
    return [_num(v, digits) for v in _list(values)]


def esc(value) -> str:
    """Text from the data for a plotly label: plotly.js renders a subset of HTML in labels (<b>, <a href>,
    <br>...), so < > & become entities it displays literally."""
    return "" if missing(value) else str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _strs(values) -> list[str]:
    return [esc(v) for v in _list(values)]


def layout(title: str, *, height: int = HEIGHT, **extra) -> dict:
    """The shared look: title top left, system fonts, white background, no plotly template."""
    base = {
        "title": {"text": esc(title), "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top",
                  "font": {"size": 15}},
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 50},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
        # legend between the title and the plot, where it never meets an axis title
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    }
    base.update(extra)
    return base


def _axis(title: str, **extra) -> dict:
    return {"title": {"text": title}, "gridcolor": "#e5e7eb", "zeroline": False, "automargin": True, **extra}


def _band_order(bands: Sequence[str], target: pd.DataFrame | None) -> list[str]:
    """Bands best first: the target's order when given, else the known bands, then any others."""
    if target is not None and len(target):
        order = [b for _, b in sorted(zip(target["band_rank"].tolist(), target["band"].tolist()), reverse=True)]
    else:
        order = list(BAND_COLOURS)
    return order + sorted({b for b in bands if isinstance(b, str)} - set(order))


# --- individual ---------------------------------------------------------------------------------------


def score_trend(history: pd.DataFrame, *, title: str = "Your performance score by quarter (0-100)") -> dict:
    """history: quarter (label), performance_score, rating_band; one row per quarter, oldest first.

    Like every builder here, it reads only frame[column], so a dict of column lists works too.
    """
    quarters = _strs(history["quarter"])
    return {
        "data": [{
            "type": "scatter", "mode": "lines+markers+text", "name": "Performance score",
            "x": quarters, "y": _nums(history["performance_score"]),
            "text": _strs(history["rating_band"]), "textposition": "top center",
            "line": {"color": ACCENT, "width": 3}, "marker": {"size": 9},
            "hovertemplate": "%{x}: %{y:.1f} of 100 (%{text})<extra></extra>",
        }],
        "layout": layout(title, showlegend=False, margin={"l": 60, "r": 30, "t": 56, "b": 50},
                         xaxis=_axis("Quarter", type="category", range=[-0.5, len(quarters) - 0.5]),
                         yaxis=_axis("Score (0-100)", range=[0, 108])),
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


def metric_scores(metrics: pd.DataFrame, *, title: str = "Your metrics this quarter (score 0-100 and value vs target)"
                  ) -> dict:
    """metrics: metric_name, metric_score (0-100), metric_band, metric_value, unit, threshold_meets.

    One bar per metric (score 0-100, coloured by band); the label says the value and the target (the
    'meets' threshold) in the metric's own unit.
    """
    labels = [f"{esc(name)}<br><span style=\"font-size:11px;color:#475569\">{esc(value_and_target(v, t, u))}</span>"
              for name, v, t, u in zip(_list(metrics["metric_name"]), _list(metrics["metric_value"]),
                                       _list(metrics["threshold_meets"]), _list(metrics["unit"]))]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "name": "Metric score",
            "y": labels, "x": _nums(metrics["metric_score"]),
            "text": [f"{v:.0f}" if not missing(v) else "" for v in _list(metrics["metric_score"])],
            "textposition": "auto", "customdata": _strs(metrics["metric_band"]),
            "marker": {"color": [BAND_COLOURS.get(b, OTHER_COLOUR) for b in _list(metrics["metric_band"])]},
            "hovertemplate": "%{x:.0f} of 100 (%{customdata})<extra></extra>",
        }],
        "layout": layout(title, showlegend=False, height=max(HEIGHT, 80 + 2 * BAR_ROW_PX * len(labels)),
                         xaxis=_axis("Metric score (0-100), colour: band", range=[0, 100]),
                         yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
                         margin={"l": 20, "r": 20, "t": 56, "b": 50}),
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
    return {"count": int(values.size), "p10": float(p10), "q1": float(q1), "median": float(median),
            "q3": float(q3), "p90": float(p90)}


def peer_benchmark(peer_scores: Sequence[float], own_score: float | None, group_label: str, *,
                   title: str | None = None) -> dict:
    """Your score against the anonymous distribution of your peers' scores (same role and level).

    Only summary statistics go into the figure (box from quartiles, whiskers at the 10th and 90th
    percentiles), so no single peer's score can be read off it.
    """
    summary = peer_summary(peer_scores)
    name = f"Peers ({summary.get('count', 0)} people)"
    data = [{
        "type": "box", "orientation": "h", "name": name, "y": [name],
        "q1": [_num(summary.get("q1"))], "median": [_num(summary.get("median"))],
        "q3": [_num(summary.get("q3"))], "lowerfence": [_num(summary.get("p10"))],
        "upperfence": [_num(summary.get("p90"))], "boxpoints": False, "hoverinfo": "x",
        "marker": {"color": NEUTRAL}, "line": {"color": OTHER_COLOUR}, "fillcolor": "rgba(148,163,184,0.35)",
    }]
    if own_score is not None and not pd.isna(own_score):
        data.append({
            "type": "scatter", "mode": "markers", "name": "You", "x": [_num(own_score)], "y": [name],
            "marker": {"size": 16, "color": ACCENT, "symbol": "diamond"},
            "hovertemplate": "You: %{x:.1f} of 100<extra></extra>",
        })
    return {
        "data": data,
        "layout": layout(title or f"Your score among {group_label} peers (0-100)", height=220,
                         xaxis=_axis("Performance score (0-100), box: middle half, whiskers: middle 80%",
                                     range=[0, 100]),
                         yaxis={"showticklabels": False}, margin={"l": 20, "r": 20, "t": 80, "b": 60}),
    }


def competency_radar(competencies: pd.DataFrame, next_level: str | None, *,
                     title: str = "Competencies: 360 rating now vs next level (levels 1-5)") -> dict:
    """competencies: competency_name, others_level (360 rating by others), next_level_required."""
    names = _strs(competencies["competency_name"])
    closed = names + names[:1]  # repeat the first point so the outline closes

    def ring(values):
        values = _nums(values, 2)
        return values + values[:1]

    data = [{
        "type": "scatterpolar", "name": "Rated now (peers and manager)", "r": ring(competencies["others_level"]),
        "theta": closed, "fill": "toself", "line": {"color": ACCENT}, "fillcolor": "rgba(29,78,216,0.25)",
        "hovertemplate": "%{theta}: %{r:.1f} of 5<extra>now</extra>",
    }]
    required = _list(competencies["next_level_required"])
    if next_level and any(not missing(v) for v in required):
        data.append({
            "type": "scatterpolar", "name": f"Required for {next_level}", "r": ring(required),
            "theta": closed, "line": {"color": "#ea580c", "dash": "dash"},
            "hovertemplate": "%{theta}: %{r:.0f} of 5<extra>required</extra>",
        })
    return {
        "data": data,
        "layout": layout(title, height=360, polar={"radialaxis": {"range": [0, 5], "dtick": 1}},
                         margin={"l": 60, "r": 60, "t": 90, "b": 30},
                         legend={"orientation": "h", "x": 0, "y": 1.08, "yanchor": "bottom"}),
    }


# --- manager ------------------------------------------------------------------------------------------


def band_distribution(bands: Sequence[str], target: pd.DataFrame | None, *, percent: bool = False,
                      title: str | None = None) -> dict:
    """People per rating band (bars) against the target distribution (markers).

    bands: one rating band per person; target: band, band_rank, share (shares sum to 1).
    """
    counts = Counter(b for b in bands if isinstance(b, str))
    order = _band_order(counts, target)
    total = sum(counts.values())
    unit = "% of people" if percent else "People"
    scale = (100.0 / total if total else 0.0) if percent else 1.0
    data = [{
        "type": "bar", "name": "Rated this quarter", "x": _strs(order),
        "y": [_num(counts[b] * scale) if percent else counts[b] for b in order],
        "marker": {"color": [BAND_COLOURS.get(b, OTHER_COLOUR) for b in order]},
        "hovertemplate": "%{x}: %{y}" + ("%" if percent else " people") + "<extra></extra>",
    }]
    if target is not None and len(target):
        shares = dict(zip(target["band"].tolist(), target["share"].tolist()))
        data.append({
            "type": "scatter", "mode": "markers", "name": "Target",
            "x": _strs(order), "y": [_num(shares[b] * (100 if percent else total), 2) if b in shares else None
                                     for b in order],
            "marker": {"symbol": "line-ew-open", "size": 40, "color": "#111827", "line": {"width": 3}},
            "hovertemplate": "Target %{x}: %{y}" + ("%" if percent else " people") + "<extra></extra>",
        })
    title = title or ("Rating bands this quarter vs target (% of people)" if percent
                      else "People per rating band this quarter vs target")
    return {"data": data, "layout": layout(title, xaxis=_axis("Rating band"), yaxis=_axis(unit, rangemode="tozero"))}


def top_bottom(scores: pd.DataFrame, k: int = 5, *,
               title: str = "Top and bottom performers this quarter (score 0-100)") -> dict:
    """scores: full_name, performance_score. The k best (green) and the k lowest (red), never twice."""
    ranked = sorted(((float(v), str(n)) for n, v in zip(_list(scores["full_name"]), _list(scores["performance_score"]))
                     if not missing(v)),
                    key=lambda r: (-r[0], r[1]))
    n_top = min(k, math.ceil(len(ranked) / 2))
    top, bottom = ranked[:n_top], ranked[n_top:][-k:]

    def bars(rows, name, colour):
        rows = rows[::-1]  # plotly draws horizontal bars bottom up
        return {"type": "bar", "orientation": "h", "name": name, "y": [esc(n) for _, n in rows],
                "x": [_num(v) for v, _ in rows], "marker": {"color": colour},
                "text": [f"{v:.0f}" for v, _ in rows], "textposition": "auto",
                "hovertemplate": "%{y}: %{x:.1f} of 100<extra></extra>"}

    data = [bars(bottom, f"Bottom {len(bottom)}", BAD), bars(top, f"Top {len(top)}", GOOD)]
    return {
        "data": data,
        "layout": layout(title, height=max(HEIGHT, 110 + BAR_ROW_PX * (len(top) + len(bottom))),
                         xaxis=_axis("Performance score (0-100)", range=[0, 100]),
                         yaxis={"automargin": True, "type": "category"},
                         legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                                 "traceorder": "reversed"}),
    }


def category_trend(trend: pd.DataFrame, *, title: str = "Average scores by quarter (0-100)") -> dict:
    """trend: quarter plus any of output/quality/efficiency/impact/performance_score (team means)."""
    data = []
    for i, column in enumerate(c for c in CATEGORY_LABELS if c in trend):
        is_total = column == "performance_score"
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": CATEGORY_LABELS[column],
            "x": _strs(trend["quarter"]), "y": _nums(trend[column]),
            "line": {"color": "#111827" if is_total else SERIES_COLOURS[i % len(SERIES_COLOURS)],
                     "width": 4 if is_total else 2, "dash": "solid" if is_total else "dot"},
            "hovertemplate": "%{x}: %{y:.1f} of 100<extra>%{fullData.name}</extra>",
        })
    return {"data": data, "layout": layout(title, xaxis=_axis("Quarter", type="category"),
                                           yaxis=_axis("Average score (0-100)", range=[0, 100]))}


# --- executive ----------------------------------------------------------------------------------------


def group_trend(trend: pd.DataFrame, group: str, value: str, *, overall: pd.DataFrame | None = None,
                title: str, axis: str) -> dict:
    """One line per group (e.g. department) over quarters; trend: quarter, <group>, <value>."""
    data = []
    for i, (name, rows) in enumerate(trend.groupby(group, sort=True)):
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": esc(name), "x": _strs(rows["quarter"]),
            "y": _nums(rows[value]), "line": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "width": 2},
            "hovertemplate": "%{x}: %{y:.1f}<extra>%{fullData.name}</extra>",
        })
    if overall is not None and len(overall):
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": "Whole organisation",
            "x": _strs(overall["quarter"]), "y": _nums(overall[value]),
            "line": {"color": "#111827", "width": 4}, "hovertemplate": "%{x}: %{y:.1f}<extra>Organisation</extra>",
        })
    return {"data": data, "layout": layout(title, xaxis=_axis("Quarter", type="category"),
                                           yaxis=_axis(axis, range=[0, 100]))}


def bands_by_group(people: pd.DataFrame, group: str, target: pd.DataFrame | None, *, title: str) -> dict:
    """Stacked 100% bars: share of each group's people per rating band. people: <group>, rating_band."""
    people = people.dropna(subset=["rating_band"])
    order = _band_order(people["rating_band"].unique(), target)
    counts = people.groupby([group, "rating_band"]).size().unstack(fill_value=0).reindex(columns=order, fill_value=0)
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0) * 100
    groups = _strs(shares.index)
    data = [{
        "type": "bar", "name": esc(band), "x": groups, "y": _nums(shares[band]),
        "customdata": [int(c) for c in counts[band]], "marker": {"color": BAND_COLOURS.get(band, OTHER_COLOUR)},
        "hovertemplate": "%{x}: %{y:.0f}% (%{customdata} people)<extra>%{fullData.name}</extra>",
    } for band in reversed(order)]
    return {"data": data, "layout": layout(title, barmode="stack", xaxis=_axis(group.replace("_", " ").capitalize()),
                                           yaxis=_axis("% of people", range=[0, 100]))}


def grouped_counts(frame: pd.DataFrame, category: str, series: dict[str, str], *, title: str,
                   axis: str = "People", stacked: bool = False, colours: Sequence[str] = SERIES_COLOURS,
                   horizontal: bool = False) -> dict:
    """One bar series per column: frame has the category column and one numeric column per series.

    series maps column -> legend name.
    """
    categories = _strs(frame[category])
    data = []
    for i, (column, name) in enumerate(series.items()):
        values = _nums(frame[column])
        trace = {"type": "bar", "name": esc(name), "marker": {"color": colours[i % len(colours)]},
                 "hovertemplate": "%{" + ("y" if horizontal else "x") + "}: %{"
                                  + ("x" if horizontal else "y") + "}<extra>%{fullData.name}</extra>"}
        if horizontal:
            trace.update(orientation="h", y=categories, x=values)
        else:
            trace.update(x=categories, y=values)
        data.append(trace)
    value_axis, category_axis = _axis(axis, rangemode="tozero"), _axis(category.replace("_", " ").capitalize())
    height = max(HEIGHT, 110 + BAR_ROW_PX * len(categories)) if horizontal else HEIGHT
    return {"data": data, "layout": layout(
        title, height=height, barmode="stack" if stacked else "group",
        xaxis=value_axis if horizontal else category_axis,
        yaxis={**category_axis, "autorange": "reversed"} if horizontal else value_axis)}


def budget_use(pools: pd.DataFrame, *, title: str = "Merit budget used by pool (% of budget)") -> dict:
    """pools: department, used_pct (0-100)."""
    return {
        "data": [{
            "type": "bar", "name": "Budget used", "x": _strs(pools["department"]), "y": _nums(pools["used_pct"]),
            "text": [f"{v:.1f}%" for v in pools["used_pct"].fillna(0)], "textposition": "auto",
            "marker": {"color": ACCENT}, "hovertemplate": "%{x}: %{y:.2f}% of budget<extra></extra>",
        }],
        "layout": layout(title, showlegend=False, xaxis=_axis("Merit pool (department)"),
                         yaxis=_axis("% of budget used", range=[0, 105])),
    }


def signed_bars(frame: pd.DataFrame, label: str, value: str, *, title: str, axis: str) -> dict:
    """Horizontal bars around zero, positive red (above) and negative blue (below); frame sorted as given."""
    values = frame[value]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "name": axis, "y": _strs(frame[label]), "x": _nums(values),
            "marker": {"color": [BAD if v > 0 else ACCENT for v in values.fillna(0)]},
            "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
        }],
        "layout": layout(title, showlegend=False, height=max(HEIGHT, 100 + BAR_ROW_PX * len(frame)),
                         xaxis=_axis(axis, zeroline=True, zerolinecolor="#111827"),
                         yaxis={"automargin": True, "autorange": "reversed", "type": "category"}),
    }
