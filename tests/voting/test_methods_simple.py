"""Approval, score and points: validation codes, worked examples and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.methods import BallotError, approval, explain, points, score

OPTS = ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("ballot", "code", "field"),
    [
        (["A", "B", "C"], "too_many_choices", "ballot"),
        ([], "too_few_choices", "ballot"),
        (["A", "A"], "duplicate_choice", "A"),
        (["Z"], "unknown_option", "Z"),
    ],
)
def test_approval_rejects_each_kind_of_bad_ballot(ballot, code, field):
    with pytest.raises(BallotError) as error:
        approval.tally([ballot], OPTS, min_choices=1, max_choices=2)
    assert (error.value.code, error.value.field) == (code, field)


def test_approval_counts_and_ties():
    result = approval.tally([["A", "B"], ["B"], ["A", "C"]], OPTS, max_choices=2, seats=2)
    assert result.counts == {"A": 2, "B": 2, "C": 1, "D": 0}
    assert result.winners == ["A", "B"] and result.winner == "A" and result.tie
    assert result.elected == ["A", "B"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(OPTS), unique=True), max_size=20),
    st.integers(0, 2),
    st.integers(2, 4),
)
def test_approval_min_max_enforced(ballots, low, high):
    valid = all(low <= len(b) <= high for b in ballots)
    if valid:
        result = approval.tally(ballots, OPTS, min_choices=low, max_choices=high)
        assert sum(result.counts.values()) == sum(len(b) for b in ballots)
    else:
        with pytest.raises(BallotError) as error:
            approval.tally(ballots, OPTS, min_choices=low, max_choices=high)
        assert error.value.code in {"too_few_choices", "too_many_choices"}


# Wikipedia, "Score voting", Tennessee example on a 0–10 scale: Memphis voters give
# M10 N4 C2 K0, Nashville voters M0 N10 C4 K2, Chattanooga voters M0 N6 C10 K6, Knoxville
# voters M0 N5 C7 K10; Nashville wins with 603 points (average 6.03).
TN = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TN_SCORES = (
    [dict(zip(TN, (10, 4, 2, 0), strict=True))] * 42
    + [dict(zip(TN, (0, 10, 4, 2), strict=True))] * 26
    + [dict(zip(TN, (0, 6, 10, 6), strict=True))] * 15
    + [dict(zip(TN, (0, 5, 7, 10), strict=True))] * 17
)


def test_score_tennessee_example():
    result = score.tally(TN_SCORES, TN, min_score=0, max_score=10)
    totals = {o: result.scores[o].total for o in TN}
    assert totals == {"Memphis": 420, "Nashville": 603, "Chattanooga": 457, "Knoxville": 312}
    assert result.winner == "Nashville"
    assert result.scores["Nashville"].mean == Fraction(603, 100)
    assert result.scores["Nashville"].median == 5  # 42 fours, 17 fives, ...
    assert result.scores["Memphis"].distribution[10] == 42


def test_score_tie_broken_by_median_then_order():
    # Same mean 3; A's median is 3, B's is 4 -> B first.
    ballots = [{"A": 3, "B": 1}, {"A": 3, "B": 4}, {"A": 3, "B": 4}]
    result = score.tally(ballots, ["A", "B"], min_score=1, max_score=5)
    assert result.winners == ["B", "A"] and result.winner == "B"
    assert any(s.code == "tie_broken_by_median" for s in result.steps)
    result = score.tally([{"A": 2, "B": 2}], ["A", "B"])
    assert result.winner == "A" and result.tie


@pytest.mark.parametrize(
    ("ballot", "code"),
    [
        ({"A": 6}, "score_out_of_range"),
        ({"A": 2.5}, "score_not_integer"),
        ({"Z": 1}, "unknown_option"),
    ],
)
def test_score_validation(ballot, code):
    with pytest.raises(BallotError) as error:
        score.tally([ballot], ["A", "B"], allow_missing=True)
    assert error.value.code == code


def test_score_missing_options():
    with pytest.raises(BallotError) as error:
        score.tally([{"A": 3}], ["A", "B"])
    assert (error.value.code, error.value.field) == ("missing_score", "B")
    result = score.tally([{"A": 3}], ["A", "B"], allow_missing=True)
    assert result.scores["B"].count == 0 and result.ranking == ["A", "B"]


def test_points_worked_example():
    ballots = [{"A": 60, "B": 40}, {"A": 10, "C": 90}, {"B": 50, "C": 50}]
    result = points.tally(ballots, ["A", "B", "C"], total=100)
    assert result.points == {"A": 70, "B": 90, "C": 140}
    assert result.supporters == {"A": 2, "B": 2, "C": 2}
    assert result.winner == "C"
    assert explain(result)


@pytest.mark.parametrize(
    ("ballot", "kwargs", "code"),
    [
        ({"A": 50}, {}, "wrong_total"),
        ({"A": 101}, {"allow_less": True}, "over_total"),
        ({"A": -1, "B": 101}, {}, "negative_points"),
        ({"A": 60, "B": 40}, {"max_per_option": 50}, "over_cap"),
        ({"A": 50.0, "B": 50}, {}, "points_not_integer"),
    ],
)
def test_points_validation(ballot, kwargs, code):
    with pytest.raises(BallotError) as error:
        points.tally([ballot], ["A", "B"], **kwargs)
    assert error.value.code == code


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(OPTS), st.integers(0, 60), min_size=1))
def test_points_that_do_not_sum_are_rejected(ballot):
    if sum(ballot.values()) == 100:
        assert points.tally([ballot], OPTS).points["A"] == ballot.get("A", 0)
    else:
        with pytest.raises(BallotError) as error:
            points.tally([ballot], OPTS)
        assert error.value.code == "wrong_total"


def test_points_tie_broken_by_supporters():
    result = points.tally([{"A": 10}, {"B": 5, "C": 5}, {"B": 5, "C": 5}], OPTS, total=10)
    assert result.winners == ["B", "C", "A"]  # all on 10 points; B and C have 2 supporters
    assert result.winner == "B" and result.tie
