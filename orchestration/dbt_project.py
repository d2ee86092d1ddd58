"""The dbt project as Dagster sees it, and the command that prepares its manifest.

The manifest must exist before the definitions load (outside ``dagster dev`` nothing builds
it): ``make`` runs ``python -m orchestration.dbt_project`` after installing, and the test
session does the same.
"""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT = DbtProject(project_dir=Path(__file__).resolve().parents[1] / "dbt_project")


def prepare() -> Path:
    """Parse the dbt project into target/manifest.json (no database needed)."""
    DBT_PROJECT.preparer.prepare(DBT_PROJECT)
    return DBT_PROJECT.manifest_path


if __name__ == "__main__":
    print(f"dbt manifest: {prepare()}")
