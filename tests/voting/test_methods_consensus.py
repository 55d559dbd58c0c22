"""Pol.is-style agree/disagree/pass statements and the consensus view."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.methods import BallotError, consensus, explain

S = ["s1", "s2", "s3", "s4"]


def test_consensus_and_divisive_statements():
    ballots = (
        [{"s1": "agree", "s2": "agree", "s3": "agree"}] * 5
        + [{"s1": "agree", "s2": "disagree", "s3": "pass"}] * 4
        + [{"s1": "pass", "s2": "disagree", "s3": "disagree"}]
    )
    result = consensus.tally(ballots, S, min_votes=5)
    assert result.counts["s1"].agree == 9 and result.counts["s1"].passed == 1
    # s1: 90 % agree; s3: 50 % agree -> not consensus; s4 has no votes.
    assert result.consensus == ["s1"]
    # s2: 50 % agree and 50 % disagree.
    assert result.divisive == ["s2"]
    assert explain(result)


def test_consensus_ordering_is_deterministic():
    ballots = [{"s1": "agree", "s2": "agree"}] * 6 + [{"s2": "agree"}]
    result = consensus.tally(ballots, S, min_votes=5)
    assert result.consensus == ["s2", "s1"]  # equal 100 %; s2 has more votes


def test_consensus_validation():
    with pytest.raises(BallotError) as error:
        consensus.tally([{"s9": "agree"}], S)
    assert (error.value.code, error.value.field) == ("unknown_statement", "s9")
    with pytest.raises(BallotError) as error:
        consensus.tally([{"s1": "maybe"}], S)
    assert error.value.code == "invalid_vote"


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(S), st.sampled_from(["agree", "disagree", "pass"])),
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_consensus_is_order_invariant(ballots, rng):
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    a, b = consensus.tally(ballots, S, min_votes=2), consensus.tally(shuffled, S, min_votes=2)
    assert (a.consensus, a.divisive, a.steps) == (b.consensus, b.divisive, b.steps)
    assert not set(a.consensus) & set(a.divisive)
