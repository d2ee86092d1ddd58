"""build_site: every page rendered into a temporary sibling folder, then swapped in for the old site.

Layout (all links relative, so the folder works from file:// with no network):

    index.html  plotly.min.js  executive.html
    hr/calibration.html  hr/calibration-pack-<group>.html  hr/merit.html  hr/promotion.html  hr/unmatched-accounts.html  hr/metric-thresholds.html
    hr/process-health.html
    managers/<employee_id>.html  people/<employee_id>.html

plotly.js is written once (plotly's own bundle) and referenced with a relative path; pages embed
their figures as JSON in a ``<script type="application/json">`` block (plotly's JSON encoder escapes
``<``, ``>`` and ``/``, so no string can close the script element) and a few lines of inline script
draw them with a config that keeps plotly off the network (no logo link, no cloud, no MathJax,
no remote topojson).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs

from .cells import Cell, Links
from .data import SiteData
from .executive import executive
from .hr import hr_merit, hr_promotion, hr_thresholds, hr_unmatched
from .hr_calibration import hr_calibration
from .hr_calibration_pack import calibration_groups, calibration_pack, pack_paths
from .hr_process_health import hr_process_health
from .index import index
from .individual import individual
from .manager import manager
from .org import Org
from .privacy import MIN_PEER_GROUP

TEMPLATES = Path(__file__).parent / "templates"
PLOTLY_JS = "plotly.min.js"
MARKER = ".dashboards-site"  # marks a folder build_site made, so it never replaces anything else
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")
# Plotly config that keeps every page offline: no plotly logo link, no "send to cloud", no MathJax
# typesetting, and a local (never fetched: we draw no maps) topojson path instead of plotly's CDN.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "typesetMath": False,
    "showSendToCloud": False,
    "topojsonURL": "topojson/",
}
HR_PAGES = [
    ("hr/calibration.html", "Calibration report"),
    ("hr/merit.html", "Merit plan per pool"),
    ("hr/promotion.html", "Promotion pipeline"),
    ("hr/unmatched-accounts.html", "Unmatched accounts"),
    ("hr/metric-thresholds.html", "Metric thresholds"),
    ("hr/process-health.html", "Data health: loads, quarantine, anomalies"),
]
KB, MB = 1024, 1024 * 1024


@dataclass(frozen=True)
class SiteReport:
    index: Path  # the published index.html
    pages: int  # HTML pages written (index included)
    largest_individual_kb: float  # largest people/<id>.html, plotly.js not counted
    total_mb: float  # whole folder, plotly.min.js included
    seconds: float  # wall time of build_site


def safe_name(employee_id: str) -> str:
    """A file name for an untrusted id: the id itself if it is plain [A-Za-z0-9_-], else a hash of it."""
    employee_id = str(employee_id)
    if SAFE_NAME.fullmatch(employee_id):
        return employee_id
    return "id-" + hashlib.sha256(employee_id.encode("utf-8")).hexdigest()[:24]


def file_names(ids: Iterable[str], folder: str) -> dict[str, str]:
    """id -> '<folder>/<safe name>.html'; two ids that would share a file are an error, never a merge."""
    names: dict[str, str] = {}
    taken: dict[str, str] = {}
    for employee_id in ids:
        name = safe_name(employee_id)
        if name in taken and taken[name] != employee_id:
            raise ValueError(f"employee ids {taken[name]!r} and {employee_id!r} map to the same file {name!r}")
        taken[name] = employee_id
        names[employee_id] = f"{folder}/{name}.html"
    return names


def figures_json(figures: dict[str, dict]) -> Markup:
    """The page's figures and plotly config as JSON that is safe inside a <script> element."""
    payload = {
        "config": PLOTLY_CONFIG,
        "figures": [{"id": f"fig-{name}", **figure} for name, figure in figures.items()],
    }
    encoded = to_json_plotly(payload, engine="json")  # escapes < > / as \u003c \u003e \u002f
    if "<" in encoded:  # cannot happen with plotly's encoder; refuse rather than trust a change
        raise ValueError("figure JSON contains '<' and could close its <script> element")
    return Markup(encoded)  # escaped JSON, not source text: marking it safe stops HTML-escaping of quotes


def cell_html(cell) -> Markup:
    """One table cell (a Cell or plain text) as escaped HTML; a filter, not a macro, because a big page
    has tens of thousands of cells and Jinja macro calls are slow."""
    if isinstance(cell, Cell):
        if cell.href:
            return Markup('<a href="{}">{}</a>').format(cell.href, cell.text)  # format() escapes both
        if cell.status:
            return Markup('<span class="status {}">{}</span>').format(cell.status, cell.text)
        return escape(cell.text)
    return escape("" if cell is None else cell)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = cell_html
    return env


def render(env: Environment, template: str, context: dict) -> str:
    figures = context.get("figures") or {}
    titles = {name: html.unescape(figure["layout"]["title"]["text"]) for name, figure in figures.items()}
    return env.get_template(template).render(
        **context, figure_titles=titles, figures_json=figures_json(figures) if figures else ""
    )


def build_site(data: SiteData, out_dir: Path | str, *, min_peer_group: int = MIN_PEER_GROUP) -> SiteReport:
    """Render every page from `data` and publish the folder at `out_dir` (replacing a previous site)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # mkdtemp makes the folder 0700, and it stays so: the pages hold personal data, owner-only.
    building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        count = _write_site(data, building, min_peer_group=min_peer_group)
        people = [p.stat().st_size for p in (building / "people").glob("*.html")]
        total = sum(p.stat().st_size for p in building.rglob("*") if p.is_file())
        _swap(building, out_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return SiteReport(
        index=(out_dir / "index.html").resolve(),
        pages=count,
        largest_individual_kb=round(max(people, default=0) / KB, 1),
        total_mb=round(total / MB, 2),
        seconds=round(time.perf_counter() - started, 2),
    )


def _write_site(data: SiteData, root: Path, *, min_peer_group: int) -> int:
    env = environment()
    org = Org(data, min_peer_group=min_peer_group)
    links = Links(
        people=file_names(org.people.index, "people"),
        managers=file_names(org.managers, "managers"),
        packs=pack_paths(calibration_groups(org)),
    )
    for folder in ("people", "managers", "hr"):
        (root / folder).mkdir()
    (root / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")
    (root / MARKER).write_text("Built by dashboards.build_site; replaced on every build.\n", encoding="utf-8")
    written = 0

    def write(path: str, template: str, context: dict) -> None:
        nonlocal written
        (root / path).write_text(render(env, template, context), encoding="utf-8")
        written += 1

    for employee_id, path in links.people.items():
        write(path, "individual.html", individual(org, employee_id, links))
    for employee_id, path in links.managers.items():
        write(path, "manager.html", manager(org, employee_id, links))
    write("executive.html", "executive.html", executive(org, links))
    hr = {
        "hr/calibration.html": ("hr_calibration.html", hr_calibration),
        "hr/merit.html": ("hr_merit.html", hr_merit),
        "hr/promotion.html": ("hr_promotion.html", hr_promotion),
        "hr/unmatched-accounts.html": ("hr_unmatched.html", hr_unmatched),
        "hr/metric-thresholds.html": ("hr_thresholds.html", hr_thresholds),
        "hr/process-health.html": ("hr_process_health.html", hr_process_health),
    }
    for path, (template, builder) in hr.items():
        write(path, template, builder(org, links))
    for group, path in links.packs.items():
        write(path, "hr_calibration_pack.html", calibration_pack(org, links, group))
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    packs = [(path, f"Calibration meeting pack: {group}") for group, path in links.packs.items()]
    write("index.html", "index.html", index(org, links, [*HR_PAGES, *packs], built_at))
    return written


def _check_replaceable(out_dir: Path) -> None:
    """Only an empty folder or a previous site is replaced: never a folder someone filled with other files."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ValueError(f"{out_dir} exists and is not a folder build_site can replace")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise ValueError(f"{out_dir} is not empty and was not made by build_site: refusing to replace it")


def _swap(building: Path, out_dir: Path) -> None:
    """Publish `building` as `out_dir`: two renames, so readers see the old site or the new one."""
    if not out_dir.exists():
        os.replace(building, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:12]}")
    os.replace(out_dir, old)
    try:
        os.replace(building, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
