"""Participatory budgeting: greedy, the Method of Equal Shares and Pabulib export."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.methods import BallotError, budget, explain, pabulib

# The proportionality example used to introduce MES on equalshares.net ("a group of 60 %
# of voters should control 60 % of the budget"): ten projects for a majority, ten for a
# minority, every project costs 1 and the budget is 10. Greedy gives the majority
# everything; MES funds 6 + 4 (worked out by hand: each voter's share is 1).
A = [f"a{i}" for i in range(10)]
B = [f"b{i}" for i in range(10)]
COSTS = dict.fromkeys(A + B, 1)
BALLOTS = [A] * 6 + [B] * 4


def test_greedy_gives_the_majority_everything():
    result = budget.greedy(BALLOTS, COSTS, 10)
    assert result.selected == A and result.spent == 10


@pytest.mark.parametrize("utility", ["cost", "approval"])
def test_mes_is_proportional(utility):
    result = budget.mes(BALLOTS, COSTS, 10, utility=utility)
    assert result.selected == A[:6] + B[:4]
    assert result.spent == 10
    assert all(result.phase[p] == "mes" for p in result.selected)
    assert explain(result)


def test_mes_small_example_by_hand():
    """Small example worked out by hand from the MES definition (equalshares.net): budget 300,
    three voters with a share of 100 each. Voters 1–2 approve X (cost 200) and Z (100);
    voter 3 approves Y (100).

    Cost utilities: X needs ρ = 100 from each of voters 1–2, effective votes 200·200/100 =
    400 against Z's 100·100/50 = 200, so X is funded; voters 1–2 are then broke and Y is
    paid by voter 3. Approval utilities: X (200/100) and Z (100/50) both have 2 effective
    votes; the tie goes to the cheaper Z, after which X is unaffordable. Greedy takes the
    two 2-vote projects, Z before X because it is cheaper."""
    projects = {"X": 200, "Y": 100, "Z": 100}
    ballots = [["X", "Z"], ["X", "Z"], ["Y"]]
    assert budget.greedy(ballots, projects, 300).selected == ["Z", "X"]
    result = budget.mes(ballots, projects, 300, utility="cost", completion="none")
    assert result.selected == ["X", "Y"]
    assert result.max_payment["X"] == pytest.approx(100)
    result = budget.mes(ballots, projects, 300, utility="approval", completion="none")
    assert result.selected == ["Z", "Y"]
    assert result.max_payment["Z"] == pytest.approx(50)


@pytest.mark.parametrize(
    ("ballot", "code"),
    [
        (["Z"], "unknown_project"),
        (["X", "X"], "duplicate_project"),
        ([], "empty_ballot"),
        (["X", "Y", "W"], "over_budget"),
    ],
)
def test_budget_ballot_validation(ballot, code):
    with pytest.raises(BallotError) as error:
        budget.greedy([ballot], {"X": 200, "Y": 100, "W": 100}, 300)
    assert error.value.code == code
    with pytest.raises(BallotError) as error:
        budget.mes([["Y"]], {"X": 200, "Y": 100}, 300, min_spend=150)
    assert error.value.code == "under_min_spend"


projects_st = st.lists(st.integers(1, 60), min_size=2, max_size=8).map(
    lambda costs: {f"p{i}": c for i, c in enumerate(costs)}
)


@st.composite
def elections(draw):
    projects = draw(projects_st)
    total = draw(st.integers(max(projects.values()), sum(projects.values()) + 10))
    names = list(projects)
    ballots = []
    for _ in range(draw(st.integers(1, 25))):
        chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
        while sum(projects[p] for p in chosen) > total:
            chosen.pop()
        ballots.append(chosen or [min(names, key=projects.__getitem__)])
    return projects, total, ballots


@settings(max_examples=80, deadline=None)
@given(elections(), st.sampled_from(["cost", "approval"]))
def test_mes_stays_within_budget_and_supporters_can_pay(election, utility):
    projects, total, ballots = election
    result = budget.mes(ballots, projects, total, utility=utility, completion="none")
    assert result.spent <= total
    share = total / len(ballots)
    money = [share] * len(ballots)
    for project in result.selected:
        supporters = [i for i, b in enumerate(ballots) if project in b]
        rho = result.max_payment[project]
        paid = sum(min(money[i], rho) for i in supporters)
        assert paid == pytest.approx(projects[project])
        for i in supporters:
            money[i] = max(0.0, money[i] - rho)
    completed = budget.mes(ballots, projects, total, utility=utility)
    assert completed.spent <= total


@settings(max_examples=80, deadline=None)
@given(elections())
def test_greedy_never_exceeds_the_budget(election):
    projects, total, ballots = election
    result = budget.greedy(ballots, projects, total)
    assert result.spent <= total
    left = total - result.spent
    # Greedy stops only when no approved project still fits.
    assert all(projects[p] > left for p in projects if p not in result.selected and result.votes[p])


@settings(max_examples=50, deadline=None)
@given(elections(), st.text(alphabet='ab;"c ,', max_size=6))
def test_pabulib_round_trip(election, name):
    projects, total, ballots = election
    text = pabulib.dumps(projects, total, ballots, names={"p0": name}, selected=["p1"])
    parsed = pabulib.loads(text)
    assert parsed.costs == projects
    assert parsed.budget == total
    assert parsed.ballots == [list(b) for b in ballots]
    assert parsed.projects["p0"]["name"] == name
    assert parsed.projects["p1"]["selected"] == "1"
    assert parsed.meta["vote_type"] == "approval"
    assert parsed.meta["num_votes"] == str(len(ballots))
    assert budget.greedy(parsed.ballots, parsed.costs, parsed.budget).selected == (
        budget.greedy(ballots, projects, total).selected
    )


def test_pabulib_layout():
    text = pabulib.dumps({"1": 600, "2": 400}, 1000, [["1"], ["1", "2"]])
    lines = text.splitlines()
    assert lines[0] == "META" and lines[1] == "key;value"
    assert "PROJECTS" in lines and "project_id;cost;votes;name;selected" in lines
    assert lines[lines.index("VOTES") + 1 :] == ["voter_id;vote", "1;1", "2;1,2"]
    assert "1;600;2;1;0" in lines
