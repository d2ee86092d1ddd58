"""The target distribution (band, band_rank, share; see the package docstring): checks and band ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.validation import reject_rows, require_columns

SHARE_TOLERANCE = 1e-6  # float noise allowed when shares read from CSV are summed


def default_target() -> pd.DataFrame:
    """The guide's target distribution: Exceptional 10%, Strong 25%, Meets 50%, Improvement 15%."""
    return pd.DataFrame(
        {
            "band": ["Exceptional", "Strong", "Meets", "Improvement"],
            "band_rank": [4, 3, 2, 1],
            "share": [0.10, 0.25, 0.50, 0.15],
        }
    )


def _check_shares(shares: np.ndarray) -> None:
    if shares.ndim != 1 or shares.size == 0:
        raise ValueError("shares must be a non-empty 1-D sequence")
    if not np.all(np.isfinite(shares)) or np.any(shares < 0):
        raise ValueError(f"shares must be finite and non-negative, got {shares.tolist()}")
    if abs(shares.sum() - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares must sum to 1, they sum to {shares.sum():.6g}")


def _bands_best_first(target: pd.DataFrame) -> pd.DataFrame:
    """Validated target sorted by band_rank descending (the allocation order)."""
    require_columns(target, ("band", "band_rank", "share"), "target")
    if target.empty:
        raise ValueError("target has no bands")
    for column in ("band", "band_rank"):
        duplicated = target[column].duplicated()
        if duplicated.any():
            raise ValueError(f"target lists {column} {target.loc[duplicated, column].iloc[0]!r} twice")
    if target[["band", "band_rank"]].isna().any().any():
        raise ValueError("target has a band without a name or band_rank")
    ordered = target.sort_values("band_rank", ascending=False, ignore_index=True)
    shares = pd.to_numeric(ordered["share"], errors="raise").to_numpy(dtype=float)
    _check_shares(shares)
    return ordered.assign(share=shares, band_rank=ordered["band_rank"].astype(int))


def _to_ranks(frame: pd.DataFrame, column: str, bands: pd.DataFrame) -> pd.Series:
    """Band names to band_rank (nullable Int64); an unknown name raises naming the employee."""
    names = frame[column]
    codes = pd.Categorical(names, categories=bands["band"]).codes
    unknown = (codes < 0) & names.notna().to_numpy()
    if unknown.any():
        value = names[unknown].iloc[0]
        expected = ", ".join(bands["band"])
        reject_rows(frame, unknown, f"unknown {column} {value!r}, expected one of {expected}")
    ranks = pd.Series(bands["band_rank"].to_numpy()[codes], index=frame.index)
    return ranks.where(codes >= 0).astype("Int64")
