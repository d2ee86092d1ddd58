"""HRIS values in the customer's formats: money with or without a currency, yes/no in the company's
words; a field unreadable for too many of the people it applies to fails the load, naming it."""

import pytest

from sources.bamboohr import Settings, read_values
from sources.hris_values import FlagWords, parse_flag, parse_money
from sources.http import SourceError


@pytest.mark.parametrize(("text", "expected"), [
    ("104000.00 USD", (104000.0, "USD")), ("104,000.00", (104000.0, None)), ("$104,000", (104000.0, None)),
    ("EUR 98000", (98000.0, "EUR")), ("98000", (98000.0, None)), ("", None), ("0000-00-00", None), (None, None),
])  # fmt: skip
def test_money_in_every_format_customers_use(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["ten thousand", "104000 dollars", "USD"])
def test_unreadable_money_is_an_error(text):
    with pytest.raises(ValueError, match="not an amount"):
        parse_money(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Yes", True), ("no", False), ("TRUE", True), ("false", False), ("1", True), ("0", False),
    ("Regrettable", True), ("Non-Regrettable", False), ("non regrettable", False), ("Voluntary - Regrettable", True),
    ("", None), (None, None),
])  # fmt: skip
def test_flags_in_yes_no_words_and_the_default_exit_wording(text, expected):
    assert parse_flag(text) is expected


def test_other_wordings_by_setting_and_whole_words_only():
    words = FlagWords.parse("Bad loss, Regret|Good loss")
    assert parse_flag("bad loss", words) is True and parse_flag("Regret", words) is True
    assert parse_flag("Good loss", words) is False
    with pytest.raises(ValueError, match="neither yes nor no"):
        parse_flag("Regretful", words)  # "regret" is not a whole word of it
    with pytest.raises(ValueError, match="neither yes nor no"):
        parse_flag("Maybe")


def employee(i, **values):
    return {"id": str(i), "terminationDate": "0000-00-00", "payRate": "90000.00 USD", "level": "IC2",
            "payRangeMin": "80000", "payRangeMidpoint": "100000", "payRangeMax": "120000",
            "regrettableTermination": "", **values}  # fmt: skip


SETTINGS = Settings(base_url="https://x", api_key="k")


def test_values_are_read_and_the_originals_kept():
    (row,) = read_values(
        [employee(1, terminationDate="2026-05-01", regrettableTermination="Non-Regrettable")], SETTINGS
    )
    assert row["payRate"] == {"amount": 90000.0, "currency": "USD"} and row["payRangeMidpoint"]["amount"] == 100000.0
    assert row["regrettableTermination"] is False and row["asSent"]["customPayRangeMin"] == "80000"


def test_a_field_unreadable_for_too_many_fails_naming_field_share_and_examples():
    rows = [employee(i) for i in range(90)] + [employee(90 + i, payRangeMin="tbd") for i in range(10)]
    with pytest.raises(SourceError, match=r"payRangeMin \(customPayRangeMin\): 10% of 100 employees empty or "
                                          r"unreadable, e.g. 'tbd', 'tbd', 'tbd'"):  # fmt: skip
        read_values(rows, SETTINGS)
    warned = read_values(rows, SETTINGS.model_copy(update={"on_unreadable": "warn"}))
    assert sum(r["payRangeMin"] is None for r in warned) == 10


def test_the_exit_flag_applies_to_leavers_only_and_a_few_gaps_pass():
    rows = [employee(i) for i in range(97)] + [employee(97 + i, payRangeMax="") for i in range(3)]
    rows += [employee(200, terminationDate="2026-03-01", regrettableTermination="Regrettable")]
    assert read_values(rows, SETTINGS)[-1]["regrettableTermination"] is True  # 3% gaps, stayers without a flag
    leavers = [employee(300 + i, terminationDate="2026-03-01", regrettableTermination="Rehire: no") for i in range(2)]
    with pytest.raises(
        SourceError, match=r"regrettableTermination \(customRegrettableTermination\): 67% of 3 employees"
    ):
        read_values(rows + leavers, SETTINGS)
