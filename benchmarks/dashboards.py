"""``make bench-dashboards``: time and size of the published site for the demo org and a copy of it
grown to 5,000 employees (every id prefixed per copy, as in ``benchmarks/analytics.py``).

Reading the warehouse is not timed; ``build_site`` (figures, pages, writing the folder) is.
"""

import argparse
import dataclasses
import tempfile
from pathlib import Path

import duckdb

from benchmarks.analytics import copied
from dashboards import SiteData, build_site
from orchestration.assets.dashboards import site_data

# Frames with a row per person (or per person and period): copied; the rest are organisation-wide.
PER_PERSON = {
    "employees",
    "reporting_lines",
    "performance",
    "metric_scores",
    "competencies",
    "comments",
    "readiness",
    "calibrated",
    "calibration_by_manager",
    "calibration_outliers",
    "merit_plan",
    "top_signals",
    "attrition_signals",
}


def grown(data: SiteData, copies: int) -> SiteData:
    return dataclasses.replace(data, **{field: copied(getattr(data, field), copies) for field in PER_PERSON})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--source", type=Path, default=Path("data/warehouse.duckdb"), help="a warehouse make demo built"
    )
    parser.add_argument("--employees", type=int, nargs="+", default=[500, 5000])
    args = parser.parse_args()
    with duckdb.connect(str(args.source), read_only=True) as con:
        data = site_data(con)
    for employees in args.employees:
        copies = max(1, round(employees / len(data.employees)))
        site = grown(data, copies) if copies > 1 else data
        with tempfile.TemporaryDirectory() as folder:
            report = build_site(site, Path(folder) / "site")
            people = sorted((Path(folder) / "site" / "people").glob("*.html"), key=lambda p: p.stat().st_size)
            median_kb = people[len(people) // 2].stat().st_size / 1024
        print(
            f"{len(site.employees):>6,} employees: {report.pages:,} pages in {report.seconds:.1f} s, "
            f"{report.total_mb:.1f} MB in all, individual pages {median_kb:.1f} KB median / "
            f"{report.largest_individual_kb:.1f} KB largest (plotly.min.js not counted)"
        )


if __name__ == "__main__":
    main()
