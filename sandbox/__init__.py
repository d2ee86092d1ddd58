"""Simulated company behind vendor-shaped HTTP APIs (see docs/sandbox.md)."""

from .company import Company, generate_company
from .server import SandboxServer

__all__ = ["Company", "SandboxServer", "generate_company"]
