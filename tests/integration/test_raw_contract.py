"""The raw layer's declared columns (dbt_project/models/staging/_sources.yml) are what the connectors
land: a source left out of a run is replaced by an empty stand-in of exactly these columns, so
they must never drift from the real tables."""

from pathlib import Path

import yaml

SOURCES_YML = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging" / "_sources.yml"
DUCKDB_TYPES = {"varchar": "VARCHAR", "json": "JSON", "timestamptz": "TIMESTAMP WITH TIME ZONE", "bigint": "BIGINT"}


def declared() -> dict[str, dict[str, str]]:
    (raw,) = yaml.safe_load(SOURCES_YML.read_text())["sources"]
    return {t["name"]: {c["name"]: DUCKDB_TYPES[c["data_type"]] for c in t["columns"]} for t in raw["tables"]}


def test_every_raw_table_lands_with_the_declared_columns_and_types(built):
    warehouse, _ = built
    with warehouse.connect() as con:
        rows = con.execute(
            "select table_name, column_name, data_type from information_schema.columns where table_schema = 'raw' "
            "and table_name not like '\\_dlt%' escape '\\' and column_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
    landed: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        landed.setdefault(table, {})[column] = data_type
    assert set(landed) == set(declared())
    for table, columns in declared().items():
        assert landed[table] == columns, table
