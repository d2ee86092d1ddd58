"""The copies of the warehouse people query: a pseudonymised analyst copy and a restricted HR
copy, published after each successful refresh so readers never hold the pipeline's own file."""

from .publish import Copies, publish_copies

__all__ = ["Copies", "publish_copies"]
