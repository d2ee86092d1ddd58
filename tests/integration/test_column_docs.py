"""Every table and column analysts query is documented: analysts read these descriptions in the dbt
docs and as column comments in the warehouse, so each column of schemas ``analytics`` (the Python
assets, declared as the dbt source ``analytics``) and ``marts`` (the dbt models) must have one, and
the docs must name no table or column the warehouse does not have, so they cannot go stale."""

from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def documented() -> dict[str, dict[str, dict[str, str]]]:
    """schema -> table -> column -> description, from every yml file under dbt_project/models."""
    docs: dict[str, dict[str, dict[str, str]]] = {"analytics": {}, "marts": {}}

    def columns(entry: dict) -> dict[str, str]:
        return {c["name"]: str(c.get("description") or "").strip() for c in entry.get("columns", [])}

    for path in sorted(MODELS.rglob("*.yml")):
        spec = yaml.safe_load(path.read_text()) or {}
        for source in spec.get("sources", []):
            if source.get("schema", source["name"]) == "analytics":
                docs["analytics"] |= {t["name"]: columns(t) for t in source["tables"]}
        if path.parent.name == "marts":
            docs["marts"] |= {m["name"]: columns(m) for m in spec.get("models", [])}
    return docs


def test_every_analytics_and_marts_column_is_described_and_none_is_stale(analysed):
    warehouse, result = analysed
    assert result.success
    stored = warehouse.read(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('analytics', 'marts')"
    )
    built = {(s, t, c) for s, t, c in stored.itertuples(index=False)}
    docs = documented()
    described = {
        (s, t, c) for s, tables in docs.items() for t, cols in tables.items() for c, text in cols.items() if text
    }
    named = {(s, t, c) for s, tables in docs.items() for t, cols in tables.items() for c in cols}
    tables = {(s, t) for s, t, _ in built}
    undocumented = sorted(f"{s}.{t}.{c}" for s, t, c in built - described)
    stale = sorted(f"{s}.{t}.{c}" for s, t, c in named - built)
    stale += sorted(f"{s}.{t}" for s, names in docs.items() for t in names if (s, t) not in tables)
    assert not undocumented, (
        f"columns without a description in the yml files of dbt_project/models: {', '.join(undocumented)}"
    )
    assert not stale, f"documented but not in the warehouse: {', '.join(stale)}"
