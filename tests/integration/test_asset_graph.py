"""The asset graph (keys, groups, upstream keys, partitioning) against its committed snapshot, so a change
to the lineage shows in review. After an intended change: UPDATE_ASSET_GRAPH=1 pytest this file."""

import json
import os
from pathlib import Path

from orchestration.definitions import defs

SNAPSHOT = Path(__file__).with_name("asset_graph.json")


def asset_graph() -> dict[str, dict]:
    graph = defs.resolve_asset_graph()
    return {
        node.key.to_user_string(): {
            "group": node.group_name,
            "partitioned": node.is_partitioned,
            "upstream": sorted(key.to_user_string() for key in node.parent_keys),
        }
        for node in sorted(graph.asset_nodes, key=lambda n: n.key.to_user_string())
        if node.is_materializable
    }


def test_the_asset_graph_matches_its_snapshot():
    current = asset_graph()
    if os.environ.get("UPDATE_ASSET_GRAPH"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    committed = json.loads(SNAPSHOT.read_text())
    added, removed = sorted(set(current) - set(committed)), sorted(set(committed) - set(current))
    changed = sorted(key for key in set(current) & set(committed) if current[key] != committed[key])
    assert not (added or removed or changed), (
        f"asset graph changed: added {added}, removed {removed}, changed {changed}; "
        "if intended, run UPDATE_ASSET_GRAPH=1 pytest tests/integration/test_asset_graph.py and commit the snapshot"
    )
