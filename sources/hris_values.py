"""HRIS values in the customer's own formats, read into numbers and yes/no.

BambooHR returns strings, and custom fields come however the company set them up: money as
"104000.00 USD", "$104,000" or "104000"; an exit flag as "Yes", "true", "1" or "Regrettable".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMPTY = {"", "0000-00-00", "null", "none", "n/a", "-"}
# An amount with an optional currency code or symbol before or after it: "104,000.00 USD", "$104000".
_MONEY = re.compile(r"^(?:([A-Z]{3})\s*|[$€£]\s*)?(-?\d[\d,]*(?:\.\d+)?)(?:\s*([A-Z]{3}))?$")
TRUE_WORDS = ("yes", "y", "true", "t", "1")
FALSE_WORDS = ("no", "n", "false", "f", "0")


def is_empty(value: object) -> bool:
    return value is None or str(value).strip().lower() in EMPTY


def parse_money(value: object) -> tuple[float, str | None] | None:
    """(amount, currency code or None) of a money value; None when empty; ValueError when unreadable."""
    if is_empty(value):
        return None
    match = _MONEY.match(str(value).strip())
    if not match:
        raise ValueError(f"not an amount: {value!r}")
    return float(match[2].replace(",", "")), match[1] or match[3]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class FlagWords:
    """How a company words yes and no in a field: each side's phrases, matched as whole words.

    ``"Regrettable|Non-Regrettable"`` (the default for exits): the phrase that says no is tried
    first, so "Non-Regrettable" is no although it contains "Regrettable".
    """

    yes: tuple[tuple[str, ...], ...]
    no: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> FlagWords:
        sides = text.split("|")
        if len(sides) != 2 or not all(s.strip() for s in sides):
            raise ValueError(f"expected 'yes words|no words' (alternatives separated by commas), got {text!r}")
        yes, no = ([_words(p) for p in side.split(",") if _words(p)] for side in sides)
        return cls(yes=tuple(yes), no=tuple(no))

    def __str__(self) -> str:
        return "|".join(",".join(" ".join(p) for p in side) for side in (self.yes, self.no))


REGRETTABLE_WORDS = FlagWords.parse("Regrettable|Non-Regrettable")


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def parse_flag(value: object, words: FlagWords = REGRETTABLE_WORDS) -> bool | None:
    """True or False from yes/no, true/false, 1/0 or the company's own words; None when empty;
    ValueError when the value says neither."""
    if is_empty(value):
        return None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    found = _words(text)
    if any(_contains(found, phrase) for phrase in words.no):
        return False
    if any(_contains(found, phrase) for phrase in words.yes):
        return True
    raise ValueError(f"neither yes nor no: {value!r} (words: {words})")
