"""The figures' shared style: colours, fonts, the layout every figure starts from, and value helpers."""

from collections.abc import Sequence

import pandas as pd

from ..formatting import missing

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
BAND_COLOURS = {"Exceptional": "#1d4ed8", "Strong": "#0ea5e9", "Meets": "#94a3b8", "Improvement": "#dc2626"}
OTHER_COLOUR = "#64748b"
GOOD, BAD, NEUTRAL, ACCENT = "#16a34a", "#dc2626", "#94a3b8", "#1d4ed8"
SERIES_COLOURS = ("#1d4ed8", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#be123c", "#4d7c0f", "#a16207")
CATEGORY_LABELS = {
    "output_score": "Output",
    "quality_score": "Quality",
    "efficiency_score": "Efficiency",
    "impact_score": "Impact",
    "performance_score": "Performance score",
}
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
        "title": {"text": esc(title), "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 15}},
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
