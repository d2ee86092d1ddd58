"""Raw assets: one Dagster multi-asset per source system, one asset per raw table."""

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator
from dagster_dlt.asset_decorator import build_dlt_asset_specs
from dagster_dlt.translator import DltResourceTranslatorData

from analytics.staleness import stale_after_hours, staleness
from sources import ACTIVITY_SOURCES, QUARANTINING, SNAPSHOT_SOURCES, bamboohr, reviews
from sources.http import SourceError
from sources.quarantine import Quarantine
from sources.records import Window
from sources.reviews import ReviewExportError
from sources.settings import SourceConfigError
from sources.snapshots import ALLOW_TAG, SnapshotGuard, SnapshotRefused

from ..dbt_project import framework_competencies
from ..erasure import honour_erasures, honour_erasures_in_quarantine
from ..partitions import monthly
from ..resources import SourceSystems, Warehouse, WarehouseModeError, today

OWNER = "team:data-engineering"
HRIS = dg.AssetKey(["raw", bamboohr.TABLE])
# Transient trouble (a source down for minutes) is retried by the step; request-level
# retries (429, 5xx, timeouts) already happened inside the connector.
RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)


class RawTranslator(DagsterDltTranslator):
    """Keys ``raw/<table>``, the raw group, the source system as a kind."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(
            key=dg.AssetKey(["raw", data.resource.name]),
            deps=[],
            group_name="raw",
            owners=[OWNER],
            kinds={"dlt", "duckdb", data.resource.source_name},
        )


def _permanent_cause(exc: BaseException) -> BaseException | None:
    """The error in the chain that retrying cannot fix, if there is one."""
    while exc is not None:
        if isinstance(exc, SourceError) and not exc.retryable:
            return exc
        if isinstance(exc, (ReviewExportError, SnapshotRefused, SourceConfigError, WarehouseModeError)):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _checks(
    module: ModuleType, context: dg.AssetExecutionContext, warehouse: Warehouse
) -> tuple[Quarantine, dict[str, Any]]:
    """The quarantine a load fills and the keyword arguments its source takes for its checks: the
    quarantine, and for a snapshot the guard against emptying or shrinking it."""
    name = module.Settings.SOURCE
    employees = warehouse.ids(HRIS.path[-1]) if module is reviews else None
    quarantine = Quarantine(name, today(), employees)
    checks: dict[str, Any] = {"quarantine": quarantine} if module in QUARANTINING else {}
    if module in SNAPSHOT_SOURCES:
        tables = [spec.key.path[-1] for spec in context.assets_def.specs]
        previous = warehouse.row_counts("raw", tables)
        checks["guard"] = SnapshotGuard.from_env(name, previous, context.run.tags.get(ALLOW_TAG))
    return quarantine, checks


def _counted(context, name, window, events, quarantine: Quarantine, warehouse: Warehouse):
    """The load's events with landed = accepted + quarantined per table, also written to
    ``meta.load_counts`` (with the quarantined rows to ``raw.quarantine``) and logged."""
    held = honour_erasures_in_quarantine(quarantine.rows, warehouse.data_dir)
    counts = {}
    for event in events:
        table = event.asset_key.path[-1]
        rows = event.metadata.get("rows_loaded")
        counts[table] = (rows.value if rows else 0, sum(row["table_name"] == table for row in held))
    warehouse.record_counts(name, window, counts, held)
    for event in events:
        table = event.asset_key.path[-1]
        accepted, quarantined = counts[table]
        context.log.info(
            f"{name}: {table}: landed {accepted + quarantined} = accepted {accepted} + quarantined {quarantined}"
        )
        figures = {"landed": accepted + quarantined, "accepted": accepted, "quarantined": quarantined}
        yield dg.MaterializeResult(asset_key=event.asset_key, metadata={**event.metadata, **figures})


def raw_assets(module: ModuleType, partitions_def: dg.PartitionsDefinition | None) -> dg.AssetsDefinition:
    name = module.Settings.SOURCE
    translator = RawTranslator()
    specs = build_dlt_asset_specs(
        dlt_source=module.source(None, None),
        dlt_pipeline=dlt.pipeline(pipeline_name=f"raw_{name}", destination="duckdb", dataset_name="raw"),
        dagster_dlt_translator=translator,
    )
    if module is reviews:  # review rows are checked against the HRIS snapshot of the same run
        specs = [spec.replace_attributes(deps=[HRIS]) for spec in specs]

    @dg.multi_asset(
        name=f"raw_{name}",
        specs=specs,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        retry_policy=RETRY,
        can_subset=True,
        pool="warehouse",
    )
    def load(
        context: dg.AssetExecutionContext,
        dlt: DagsterDltResource,
        warehouse: Warehouse,
        source_systems: SourceSystems,
    ):
        if name not in source_systems.in_use():
            # Reported, not skipped: a skipped asset would skip everything downstream in the same run.
            context.log.info(f"{name}: not in use (PERFPIPE_SOURCES), nothing loaded")
            for key in context.selected_asset_keys:
                yield dg.MaterializeResult(asset_key=key, metadata={"in_use": False, "rows_loaded": 0})
            return
        try:
            settings = source_systems.settings(name)
            if module is reviews:  # the 360 ratings are checked against the framework's competencies
                settings = settings.model_copy(update={"competencies": framework_competencies()})
            warehouse.claim(source_systems.mode)
            window = None
            if partitions_def:
                span = context.partition_time_window
                window = Window(span.start.astimezone(UTC), span.end.astimezone(UTC))
                context.log.info(f"{name}: loading {window.start:%Y-%m-%d} .. {window.end:%Y-%m-%d}")
            quarantine, checks = _checks(module, context, warehouse)
            events = list(
                dlt.run(
                    context=context,
                    dlt_source=honour_erasures(
                        module.source(settings, window, source_systems.policy(), **checks), warehouse.data_dir
                    ),
                    dlt_pipeline=warehouse.dlt_pipeline(f"raw_{name}"),
                    dagster_dlt_translator=translator,
                ).fetch_row_count()
            )
            yield from _counted(context, name, window, events, quarantine, warehouse)
            warehouse.record_load(name, window)
        except Exception as exc:
            _report_last_good_load(context, warehouse, name)
            cause = _permanent_cause(exc)
            if cause is None:
                raise
            # Malformed data, bad settings or a refused request fail the same way on a retry.
            raise dg.Failure(description=str(cause), allow_retries=False) from exc

    return load


def _report_last_good_load(context: dg.AssetExecutionContext, warehouse: Warehouse, name: str) -> None:
    """A failed load keeps the source's last good data: say how old it is, in the log and on each table."""
    (age,) = staleness(warehouse.loads(), [name], datetime.now(UTC), stale_after_hours())
    context.log.warning(f"{name}: this load failed, the tables keep their last good data: {age.describe()}")
    for key in context.selected_asset_keys:
        context.log_event(dg.AssetObservation(asset_key=key, metadata={"load_failed": True, **age.metadata()}))


activity_assets = [raw_assets(module, monthly) for module in ACTIVITY_SOURCES]
snapshot_assets = [raw_assets(module, None) for module in SNAPSHOT_SOURCES]
