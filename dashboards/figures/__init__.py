"""Pure figure builders: frames in, one plotly figure out (a plain ``{"data": [...], "layout": {...}}`` dict).

Plain dicts, not ``go.Figure``: a dashboard site renders thousands of small figures and plotly's
per-trace validation and default template (several KB of JSON per figure) would dominate the build
time and the page size. The dicts use only documented plotly.js attributes, so ``go.Figure(fig)``
accepts every one of them (the unit tests check that).

Every figure carries a plain-words title with its unit. Values are rounded for display only; every
number comes from the frames given, none is made up here.
"""

from .organisation import (
    band_distribution,
    bands_by_group,
    category_trend,
    group_trend,
    grouped_counts,
    rating_stages,
    signed_bars,
    top_bottom,
)
from .person import (
    competency_radar,
    format_value,
    metric_scores,
    peer_benchmark,
    peer_summary,
    score_trend,
    value_and_target,
)
from .style import (
    ACCENT,
    BAD,
    BAND_COLOURS,
    BAR_ROW_PX,
    CATEGORY_LABELS,
    FONT,
    GOOD,
    HEIGHT,
    NEUTRAL,
    OTHER_COLOUR,
    SERIES_COLOURS,
    esc,
    layout,
)

__all__ = [
    "ACCENT",
    "BAD",
    "BAND_COLOURS",
    "BAR_ROW_PX",
    "CATEGORY_LABELS",
    "FONT",
    "GOOD",
    "HEIGHT",
    "NEUTRAL",
    "OTHER_COLOUR",
    "SERIES_COLOURS",
    "band_distribution",
    "bands_by_group",
    "category_trend",
    "competency_radar",
    "esc",
    "format_value",
    "group_trend",
    "grouped_counts",
    "rating_stages",
    "layout",
    "metric_scores",
    "peer_benchmark",
    "peer_summary",
    "score_trend",
    "signed_bars",
    "top_bottom",
    "value_and_target",
]
