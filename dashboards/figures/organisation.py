"""Figures about a group of people: bands, top and bottom, trends, counts, budgets."""

import math
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from ..formatting import missing
from .style import (
    ACCENT,
    BAD,
    BAND_COLOURS,
    BAR_ROW_PX,
    CATEGORY_LABELS,
    GOOD,
    HEIGHT,
    OTHER_COLOUR,
    SERIES_COLOURS,
    _axis,
    _band_order,
    _list,
    _num,
    _nums,
    _strs,
    esc,
    layout,
)


def band_distribution(
    bands: Sequence[str], target: pd.DataFrame | None, *, percent: bool = False, title: str | None = None
) -> dict:
    """People per rating band (bars) against the target distribution (markers).

    bands: one rating band per person; target: band, band_rank, share (shares sum to 1).
    """
    counts = Counter(b for b in bands if isinstance(b, str))
    order = _band_order(counts, target)
    total = sum(counts.values())
    unit = "% of people" if percent else "People"
    scale = (100.0 / total if total else 0.0) if percent else 1.0
    data = [
        {
            "type": "bar",
            "name": "Rated this quarter",
            "x": _strs(order),
            "y": [_num(counts[b] * scale) if percent else counts[b] for b in order],
            "marker": {"color": [BAND_COLOURS.get(b, OTHER_COLOUR) for b in order]},
            "hovertemplate": "%{x}: %{y}" + ("%" if percent else " people") + "<extra></extra>",
        }
    ]
    if target is not None and len(target):
        shares = dict(zip(target["band"].tolist(), target["share"].tolist()))
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Target",
                "x": _strs(order),
                "y": [_num(shares[b] * (100 if percent else total), 2) if b in shares else None for b in order],
                "marker": {"symbol": "line-ew-open", "size": 40, "color": "#111827", "line": {"width": 3}},
                "hovertemplate": "Target %{x}: %{y}" + ("%" if percent else " people") + "<extra></extra>",
            }
        )
    title = title or (
        "Rating bands this quarter vs target (% of people)"
        if percent
        else "People per rating band this quarter vs target"
    )
    return {"data": data, "layout": layout(title, xaxis=_axis("Rating band"), yaxis=_axis(unit, rangemode="tozero"))}


def top_bottom(
    scores: pd.DataFrame, k: int = 5, *, title: str = "Top and bottom performers this quarter (score 0-100)"
) -> dict:
    """scores: full_name, performance_score. The k best (green) and the k lowest (red), never twice."""
    ranked = sorted(
        (
            (float(v), str(n))
            for n, v in zip(_list(scores["full_name"]), _list(scores["performance_score"]))
            if not missing(v)
        ),
        key=lambda r: (-r[0], r[1]),
    )
    n_top = min(k, math.ceil(len(ranked) / 2))
    top, bottom = ranked[:n_top], ranked[n_top:][-k:]

    def bars(rows, name, colour):
        rows = rows[::-1]  # plotly draws horizontal bars bottom up
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": [esc(n) for _, n in rows],
            "x": [_num(v) for v, _ in rows],
            "marker": {"color": colour},
            "text": [f"{v:.0f}" for v, _ in rows],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{x:.1f} of 100<extra></extra>",
        }

    data = [bars(bottom, f"Bottom {len(bottom)}", BAD), bars(top, f"Top {len(top)}", GOOD)]
    return {
        "data": data,
        "layout": layout(
            title,
            height=max(HEIGHT, 110 + BAR_ROW_PX * (len(top) + len(bottom))),
            xaxis=_axis("Performance score (0-100)", range=[0, 100]),
            yaxis={"automargin": True, "type": "category"},
            legend={
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "traceorder": "reversed",
            },
        ),
    }


def category_trend(trend: pd.DataFrame, *, title: str = "Average scores by quarter (0-100)") -> dict:
    """trend: quarter plus any of output/quality/efficiency/impact/performance_score (team means)."""
    data = []
    for i, column in enumerate(c for c in CATEGORY_LABELS if c in trend):
        is_total = column == "performance_score"
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": CATEGORY_LABELS[column],
                "x": _strs(trend["quarter"]),
                "y": _nums(trend[column]),
                "line": {
                    "color": "#111827" if is_total else SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "width": 4 if is_total else 2,
                    "dash": "solid" if is_total else "dot",
                },
                "hovertemplate": "%{x}: %{y:.1f} of 100<extra>%{fullData.name}</extra>",
            }
        )
    return {
        "data": data,
        "layout": layout(
            title, xaxis=_axis("Quarter", type="category"), yaxis=_axis("Average score (0-100)", range=[0, 100])
        ),
    }


# --- executive ----------------------------------------------------------------------------------------


def group_trend(
    trend: pd.DataFrame, group: str, value: str, *, overall: pd.DataFrame | None = None, title: str, axis: str
) -> dict:
    """One line per group (e.g. department) over quarters; trend: quarter, <group>, <value>."""
    data = []
    for i, (name, rows) in enumerate(trend.groupby(group, sort=True)):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": esc(name),
                "x": _strs(rows["quarter"]),
                "y": _nums(rows[value]),
                "line": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "width": 2},
                "hovertemplate": "%{x}: %{y:.1f}<extra>%{fullData.name}</extra>",
            }
        )
    if overall is not None and len(overall):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Whole organisation",
                "x": _strs(overall["quarter"]),
                "y": _nums(overall[value]),
                "line": {"color": "#111827", "width": 4},
                "hovertemplate": "%{x}: %{y:.1f}<extra>Organisation</extra>",
            }
        )
    return {
        "data": data,
        "layout": layout(title, xaxis=_axis("Quarter", type="category"), yaxis=_axis(axis, range=[0, 100])),
    }


def bands_by_group(people: pd.DataFrame, group: str, target: pd.DataFrame | None, *, title: str) -> dict:
    """Stacked 100% bars: share of each group's people per rating band. people: <group>, rating_band."""
    people = people.dropna(subset=["rating_band"])
    order = _band_order(people["rating_band"].unique(), target)
    counts = people.groupby([group, "rating_band"]).size().unstack(fill_value=0).reindex(columns=order, fill_value=0)
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0) * 100
    groups = _strs(shares.index)
    data = [
        {
            "type": "bar",
            "name": esc(band),
            "x": groups,
            "y": _nums(shares[band]),
            "customdata": [int(c) for c in counts[band]],
            "marker": {"color": BAND_COLOURS.get(band, OTHER_COLOUR)},
            "hovertemplate": "%{x}: %{y:.0f}% (%{customdata} people)<extra>%{fullData.name}</extra>",
        }
        for band in reversed(order)
    ]
    return {
        "data": data,
        "layout": layout(
            title,
            barmode="stack",
            xaxis=_axis(group.replace("_", " ").capitalize()),
            yaxis=_axis("% of people", range=[0, 100]),
        ),
    }


def rating_stages(
    stages: dict[str, pd.Series], target: pd.DataFrame, *, title: str, colours: Sequence[str] = SERIES_COLOURS
) -> dict:
    """Ratings at several stages side by side with the target, each as % of its rated people:
    ``stages`` maps the legend name to one rating per person (missing: not rated)."""
    frame = pd.DataFrame({"band": target.sort_values("band_rank", ascending=False)["band"].tolist()})
    series = {}
    for i, (name, ratings) in enumerate(stages.items()):
        frame[f"s{i}"] = frame["band"].map(ratings.dropna().value_counts(normalize=True)).fillna(0) * 100
        series[f"s{i}"] = name
    frame["target"] = frame["band"].map(target.set_index("band")["share"]).fillna(0) * 100
    series["target"] = "Target"
    return grouped_counts(frame, "band", series, title=title, axis="% of rated people", colours=colours)


def grouped_counts(
    frame: pd.DataFrame,
    category: str,
    series: dict[str, str],
    *,
    title: str,
    axis: str = "People",
    stacked: bool = False,
    colours: Sequence[str] = SERIES_COLOURS,
    horizontal: bool = False,
) -> dict:
    """One bar series per column: frame has the category column and one numeric column per series.

    series maps column -> legend name.
    """
    categories = _strs(frame[category])
    data = []
    for i, (column, name) in enumerate(series.items()):
        values = _nums(frame[column])
        trace = {
            "type": "bar",
            "name": esc(name),
            "marker": {"color": colours[i % len(colours)]},
            "hovertemplate": "%{"
            + ("y" if horizontal else "x")
            + "}: %{"
            + ("x" if horizontal else "y")
            + "}<extra>%{fullData.name}</extra>",
        }
        if horizontal:
            trace.update(orientation="h", y=categories, x=values)
        else:
            trace.update(x=categories, y=values)
        data.append(trace)
    value_axis, category_axis = _axis(axis, rangemode="tozero"), _axis(category.replace("_", " ").capitalize())
    height = max(HEIGHT, 110 + BAR_ROW_PX * len(categories)) if horizontal else HEIGHT
    return {
        "data": data,
        "layout": layout(
            title,
            height=height,
            barmode="stack" if stacked else "group",
            xaxis=value_axis if horizontal else category_axis,
            yaxis={**category_axis, "autorange": "reversed"} if horizontal else value_axis,
        ),
    }


def signed_bars(frame: pd.DataFrame, label: str, value: str, *, title: str, axis: str) -> dict:
    """Horizontal bars around zero, positive red (above) and negative blue (below); frame sorted as given."""
    values = frame[value]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": axis,
                "y": _strs(frame[label]),
                "x": _nums(values),
                "marker": {"color": [BAD if v > 0 else ACCENT for v in values.fillna(0)]},
                "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
            }
        ],
        "layout": layout(
            title,
            showlegend=False,
            height=max(HEIGHT, 100 + BAR_ROW_PX * len(frame)),
            xaxis=_axis(axis, zeroline=True, zerolinecolor="#111827"),
            yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
        ),
    }
