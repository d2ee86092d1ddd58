"""Vendor-shaped identifiers drawn without collisions."""

import numpy as np
import pandas as pd

HEX = "0123456789abcdef"
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _random_strings(rng, n: int, alphabet: str, width: int, prefix: str) -> np.ndarray:
    chars = np.array(list(alphabet))[rng.integers(0, len(alphabet), size=(n, width))]
    return np.array([prefix + "".join(row) for row in chars], dtype=object)


def unique_codes(rng, n: int, alphabet: str, width: int, prefix: str = "") -> np.ndarray:
    """`n` distinct random codes `prefix` + `width` characters (redrawing the rare duplicates)."""
    codes = _random_strings(rng, n, alphabet, width, prefix)
    while True:
        dup = pd.Series(codes).duplicated().to_numpy()
        if not dup.any():
            return codes
        codes[dup] = _random_strings(rng, int(dup.sum()), alphabet, width, prefix)


def unique_ints(rng, n: int, low: int, high: int) -> np.ndarray:
    return low + rng.choice(high - low, size=n, replace=False).astype(np.int64)
