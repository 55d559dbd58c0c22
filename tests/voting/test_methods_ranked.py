"""Ranked methods (IRV, Schulze, Borda) and plurality against published worked examples,
plus Hypothesis properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.methods import METHODS, BallotError, borda, explain, irv, schulze, single

# Wikipedia's "Tennessee capital" example (used in the articles on IRV, the Schulze and
# Borda methods and plurality): 42 % Memphis > Nashville > Chattanooga > Knoxville,
# 26 % Nashville > Chattanooga > Knoxville > Memphis, 15 % Chattanooga > Knoxville >
# Nashville > Memphis, 17 % Knoxville > Chattanooga > Nashville > Memphis.
TN = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TENNESSEE = (
    [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
    + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
    + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
    + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
)

# Wikipedia, "Schulze method", worked example: 45 voters over A–E; the winner is E and the
# ranking E > A > C > B > D; the article tabulates d[X][Y] and p[X][Y].
WIKI_SCHULZE = (
    [list("ACBED")] * 5
    + [list("ADECB")] * 5
    + [list("BEDAC")] * 8
    + [list("CABED")] * 3
    + [list("CAEBD")] * 7
    + [list("CBADE")] * 2
    + [list("DCEBA")] * 7
    + [list("EBADC")] * 8
)


def test_tennessee_plurality_memphis():
    """Plurality (Wikipedia, Tennessee example): Memphis wins with 42 %."""
    result = single.tally([b[0] for b in TENNESSEE], TN)
    assert result.winner == "Memphis"
    assert result.counts == {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17}
    assert not result.tie


def test_tennessee_irv_knoxville():
    """IRV (Wikipedia, Tennessee example): Chattanooga then Nashville are eliminated and
    Knoxville wins 58–42 in the third round."""
    result = irv.tally(TENNESSEE, TN)
    assert result.winner == "Knoxville"
    assert [r.eliminated for r in result.rounds] == ["Chattanooga", "Nashville", None]
    assert result.rounds[1].counts == {"Memphis": 42, "Nashville": 26, "Knoxville": 32}
    assert result.rounds[2].counts == {"Memphis": 42, "Knoxville": 58}
    assert result.rounds[0].transfers == {"Knoxville": 15}
    assert result.steps[-1].code == "majority"


def test_tennessee_schulze_nashville():
    """Schulze / Condorcet (Wikipedia, Tennessee example): Nashville beats every other city
    head to head (68–32 against Chattanooga and Knoxville, 58–42 against Memphis)."""
    result = schulze.tally(TENNESSEE, TN)
    assert result.winner == "Nashville" == result.condorcet_winner
    assert result.d["Nashville"] == {"Memphis": 58, "Chattanooga": 68, "Knoxville": 68}
    assert result.ranking == [["Nashville"], ["Chattanooga"], ["Knoxville"], ["Memphis"]]


def test_tennessee_borda_points():
    """Borda (Wikipedia, Tennessee example): Nashville 194, Chattanooga 173, Memphis 126,
    Knoxville 107."""
    result = borda.tally(TENNESSEE, TN)
    assert result.points == {"Memphis": 126, "Nashville": 194, "Chattanooga": 173, "Knoxville": 107}
    assert result.winner == "Nashville"
    assert result.ranking == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]


def test_wikipedia_schulze_example():
    """Wikipedia "Schulze method" example: the d and p tables and the winner E."""
    result = schulze.tally(WIKI_SCHULZE, list("ABCDE"))
    d = {x: [result.d[x].get(y) for y in "ABCDE"] for x in "ABCDE"}
    assert d == {
        "A": [None, 20, 26, 30, 22],
        "B": [25, None, 16, 33, 18],
        "C": [19, 29, None, 17, 24],
        "D": [15, 12, 28, None, 14],
        "E": [23, 27, 21, 31, None],
    }
    p = {x: [result.p[x].get(y) for y in "ABCDE"] for x in "ABCDE"}
    assert p == {
        "A": [None, 28, 28, 30, 24],
        "B": [25, None, 28, 33, 24],
        "C": [25, 29, None, 29, 24],
        "D": [25, 28, 28, None, 24],
        "E": [25, 28, 28, 31, None],
    }
    assert result.winner == "E"
    assert result.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.condorcet_winner is None


def test_duplicate_and_unknown_ranks_are_rejected():
    with pytest.raises(BallotError) as error:
        irv.tally([["A", "B", "A"]], ["A", "B"])
    assert error.value.code == "duplicate_rank" and error.value.field == "A"
    with pytest.raises(BallotError) as error:
        schulze.tally([["A", "Z"]], ["A", "B"])
    assert error.value.code == "unknown_option" and error.value.field == "Z"
    with pytest.raises(BallotError) as error:
        borda.tally([[]], ["A", "B"])
    assert error.value.code == "empty_ballot"


def test_irv_backwards_tie_break_then_option_order():
    # Round 2: B and C tie on 4; in round 1 C had fewer (3 against 4), so C goes.
    ballots = [["A"]] * 5 + [["B"]] * 4 + [["C"]] * 3 + [["D", "C"]] * 1 + [["E", "A"]] * 0
    result = irv.tally(ballots, ["A", "B", "C", "D"])
    assert result.rounds[0].eliminated == "D"
    assert result.rounds[1].eliminated == "C"
    assert result.rounds[1].reason == "tie_earlier_round" and result.rounds[1].tie_round == 1
    # A perfect tie in every round: the option listed last is eliminated.
    result = irv.tally([["A"], ["B"]], ["A", "B"])
    assert result.rounds[0].eliminated == "B" and result.rounds[0].reason == "tie_option_order"
    assert result.winner == "A" and result.tie


def test_irv_exhausted_ballots_are_reported():
    ballots = [["A"]] * 4 + [["B"]] * 3 + [["C"]] * 2 + [["C", "B"]]
    result = irv.tally(ballots, ["A", "B", "C"])
    assert result.rounds[0].eliminated == "C"
    assert result.rounds[0].exhausted == 2 and result.rounds[0].transfers == {"B": 1}
    assert result.rounds[1].continuing_ballots == 8
    assert result.winner == "A"  # 4 of 8 continuing is not a majority; B is eliminated.
    assert any(s.code == "exhausted" for s in result.steps)


def test_plurality_tie_is_reported_and_broken_by_order():
    result = single.tally(["B", "A", "B", "A"], ["A", "B", "C"])
    assert result.winners == ["A", "B"] and result.winner == "A" and result.tie
    assert single.tally([], ["A"]).winner is None


def test_registry_and_explanations():
    assert set(METHODS) >= {"single", "approval", "irv", "schulze", "borda", "score", "points"}
    result = METHODS["irv"].tally(TENNESSEE, TN)
    lines = explain(result)
    assert all(isinstance(line, str) and line for line in lines)
    assert any("Chattanooga" in line for line in lines)


OPTS = ["A", "B", "C", "D", "E"]
rankings = st.lists(
    st.permutations(OPTS).flatmap(lambda p: st.integers(1, len(p)).map(lambda k: list(p[:k]))),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rankings, st.sampled_from(OPTS), st.integers(0, 10))
def test_condorcet_winner_always_wins_schulze(ballots, favourite, extra):
    # Adding enough ballots ranking `favourite` first makes it a Condorcet winner.
    padded = ballots + [[favourite]] * (len(ballots) + 1 + extra)
    result = schulze.tally(padded, OPTS)
    assert result.condorcet_winner == favourite
    assert result.winners == [favourite]


@settings(max_examples=60, deadline=None)
@given(rankings)
def test_schulze_winner_is_the_condorcet_winner_when_there_is_one(ballots):
    result = schulze.tally(ballots, OPTS)
    if result.condorcet_winner is not None:
        assert result.winner == result.condorcet_winner


@settings(max_examples=60, deadline=None)
@given(rankings, st.sampled_from(OPTS))
def test_irv_majority_first_choice_wins_in_round_one(ballots, favourite):
    padded = ballots + [[favourite]] * (len(ballots) + 1)
    result = irv.tally(padded, OPTS)
    assert result.winner == favourite and len(result.rounds) == 1


@settings(max_examples=40, deadline=None)
@given(rankings, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ballot_order(ballots, rng):
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    for module in (irv, schulze, borda):
        a, b = module.tally(ballots, OPTS), module.tally(shuffled, OPTS)
        assert (a.winner, a.winners, a.steps) == (b.winner, b.winners, b.steps)
    a = single.tally([r[0] for r in ballots], OPTS)
    b = single.tally([r[0] for r in shuffled], OPTS)
    assert a.steps == b.steps


@settings(max_examples=40, deadline=None)
@given(rankings)
def test_irv_round_counts_add_up(ballots):
    result = irv.tally(ballots, OPTS)
    for current in result.rounds:
        assert current.continuing_ballots + current.exhausted_total == len(ballots)


def test_schulze_pairwise_matches_a_naive_count():
    rng = random.Random(3)
    ballots = [rng.sample(OPTS, rng.randint(1, 5)) for _ in range(300)]
    result = schulze.tally(ballots, OPTS)
    for x in OPTS:
        for y in OPTS:
            if x == y:
                continue
            naive = sum(1 for b in ballots if x in b and (y not in b or b.index(x) < b.index(y)))
            assert result.d[x][y] == naive


def test_explanation_follows_the_active_language():
    from django.utils import translation

    result = irv.tally(TENNESSEE, TN)
    with translation.override("es"):
        assert explain(result)[0] == "Se contaron 100 papeletas."
    with translation.override("en"):
        lines = explain(result)
    assert lines[0] == "100 ballots were counted."
    assert lines[-1].startswith("Round 3: Knoxville has 58 of 100 continuing ballots")
    assert result.steps[2] == irv.Step(
        "eliminated",
        round=1,
        option="Chattanooga",
        votes=15,
        reason="fewest",
        tie_round=None,
        tied=["Chattanooga"],
    )
