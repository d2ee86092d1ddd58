"""Table and column comments: analysts read the descriptions in the warehouse itself
(``duckdb_columns().comment``), the same ones the dbt docs show."""

from __future__ import annotations

from pathlib import Path

import yaml

ANALYTICS_DOCS = (
    Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "analytics" / "_analytics__sources.yml"
)


def analytics_descriptions(path: Path = ANALYTICS_DOCS) -> dict[str, tuple[str, dict[str, str]]]:
    """table -> (description, column -> description) of the ``analytics`` source in the dbt docs."""
    sources = yaml.safe_load(path.read_text())["sources"]
    (analytics,) = (s for s in sources if s["name"] == "analytics")
    return {
        t["name"]: (t.get("description", ""), {c["name"]: c.get("description", "") for c in t.get("columns", [])})
        for t in analytics["tables"]
    }


def table_comment(relation: str, text: str, kind: str = "table") -> str:
    return f"comment on {kind} {relation} is {_literal(text)}"


def column_comment(relation: str, column: str, text: str) -> str:
    return f'comment on column {relation}."{column}" is {_literal(text)}'


def _literal(text: str) -> str:
    return "'" + text.strip().replace("'", "''") + "'"
