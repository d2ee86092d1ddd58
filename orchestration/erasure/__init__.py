"""Erasing a person: the erasure list (listing), the rule every load applies (masking), the
warehouse work (warehouse); ``python -m orchestration.erase <id>`` runs it."""

from .listing import list_path
from .masking import honour_erasures, honour_erasures_in_quarantine

__all__ = ["honour_erasures", "honour_erasures_in_quarantine", "list_path"]
