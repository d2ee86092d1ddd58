"""Files the pipeline writes hold personal data: they are created owner-only.

One process umask, set where the pipeline starts (the code location Dagster loads, which
``make run`` imports too), covers every writer at once: DuckDB's warehouse and its WAL, dlt's
working files under ``data/.dlt``, dbt's files, the pages and the sandbox's ground truth. Files
published by rename carry their mode explicitly (``warehouse_copies/publish.py``: the HR copy
0600, the analyst copy 0644 by design; ``dashboards/site.py``: the site folder 0700).
"""

import os

OWNER_ONLY = 0o077  # files 0600, folders 0700


def owner_only() -> None:
    """Make every file and folder this process creates from now on owner-only."""
    os.umask(OWNER_ONLY)
