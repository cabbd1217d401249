"""Which assessment round a report period uses: its own or an earlier one, never a later one.

Hand-made periods mirror the demo manufacturer's fiscal years (November to October): the
panel review found FY2025 reporting the 2026 round, because year-named rounds were taken
as "not a period, always eligible".
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from threec_helpers.audit.rounds import round_in_time, round_span, rounds_until
from threec_helpers.audit.scoring import pick_rounds
from threec_helpers.errors import ParameterError
from threec_helpers.inputs.config import Period

FY24 = Period("FY2024", dt.date(2023, 11, 1), dt.date(2024, 10, 31))
FY25 = Period("FY2025", dt.date(2024, 11, 1), dt.date(2025, 10, 31))
FY26 = Period("FY2026", dt.date(2025, 11, 1), dt.date(2026, 10, 31))
CONFIG = SimpleNamespace(periods=(FY24, FY25, FY26))


@pytest.mark.parametrize("rid, span", [
    ("2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    (2025, (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ("2025H2", (dt.date(2025, 7, 1), dt.date(2025, 12, 31))),
    ("2025-h1", (dt.date(2025, 1, 1), dt.date(2025, 6, 30))),
    ("2024Q1", (dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
    ("2024-02", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ("2025-10-15", (dt.date(2025, 10, 15), dt.date(2025, 10, 15))),
    ("R1", None), ("Spring", None), ("2025-13", None), ("2025-02-30", None),
])
def test_round_span_reads_the_time_a_round_id_names(rid, span):
    assert round_span(rid) == span


def test_a_round_named_like_a_client_period_spans_that_period():
    assert round_span("FY2025", CONFIG.periods) == (FY25.start, FY25.end)
    assert round_in_time("FY2026", FY25, CONFIG.periods) is False


def test_each_demo_fiscal_year_gets_its_own_round_never_a_later_one():
    rounds = ["2025", "2026"]
    assert pick_rounds(rounds, CONFIG, FY25) == ("2025", None)
    assert pick_rounds(rounds, CONFIG, FY26) == ("2026", "2025")
    # without a period the latest round is reported (the old behaviour, kept for callers without one)
    assert pick_rounds(rounds) == ("2026", "2025")


def test_a_period_before_every_round_has_no_round():
    with pytest.raises(ParameterError, match="no assessment round started"):
        pick_rounds(["2025", "2026"], CONFIG, FY24)
    assert pick_rounds(["2025", "2026"], CONFIG, FY24, missing_ok=True) == (None, None)


def test_dated_rounds_are_cut_at_the_period_end_and_undated_ones_stay_eligible():
    rounds = ["2025-10-31", "2025-11-01", "R9"]
    # 2025-10-31 is FY2025's last day (in); 2025-11-01 is FY2026's first (out)
    assert pick_rounds(rounds, CONFIG, FY25) == ("R9", "2025-10-31")
    assert pick_rounds(["2025-10-31", "2025-11-01"], CONFIG, FY26) == ("2025-11-01", "2025-10-31")


def test_rounds_until_drops_the_rounds_after_the_period_end_and_keeps_undated_ones():
    scored = {"2025": "a", "2026": "b", "R1": "c", "FY2026": "d"}
    assert list(rounds_until(scored, FY25, CONFIG.periods)) == ["2025", "R1"]
    assert list(rounds_until(scored, FY26, CONFIG.periods)) == ["2025", "2026", "R1", "FY2026"]
    assert list(rounds_until(scored, FY24, CONFIG.periods)) == ["R1"]
