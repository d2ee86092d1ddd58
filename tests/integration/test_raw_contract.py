"""The declared columns of the dbt sources (dbt_project/models/staging/_sources.yml) are what the
connectors land in raw and the load ledger records in meta: a table not written yet is replaced by an
empty stand-in of exactly these columns, so they must never drift from the real tables."""

from pathlib import Path

import yaml

SOURCES_YML = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging" / "_sources.yml"
DUCKDB_TYPES = {"varchar": "VARCHAR", "json": "JSON", "timestamptz": "TIMESTAMP WITH TIME ZONE", "bigint": "BIGINT"}


def declared() -> dict[str, dict[str, dict[str, str]]]:
    """Per dbt source (its schema): table -> column -> DuckDB type."""
    return {
        source["schema"]: {
            t["name"]: {c["name"]: DUCKDB_TYPES[c["data_type"]] for c in t["columns"]} for t in source["tables"]
        }
        for source in yaml.safe_load(SOURCES_YML.read_text())["sources"]
    }


def test_every_raw_and_ledger_table_lands_with_the_declared_columns_and_types(built):
    warehouse, _ = built
    with warehouse.connect() as con:
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_schema in ('raw', 'meta') "
            "and table_name not like '\\_dlt%' escape '\\' and column_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
    landed: dict[str, dict[str, dict[str, str]]] = {"raw": {}, "meta": {}}
    for schema, table, column, data_type in rows:
        landed[schema].setdefault(table, {})[column] = data_type
    sources = declared()
    assert set(sources) == {"raw", "meta"}
    assert set(landed["raw"]) == set(sources["raw"])  # every raw table is declared
    for schema, tables in sources.items():
        for table, columns in tables.items():
            assert landed[schema][table] == columns, f"{schema}.{table}"
