"""Participatory budgeting: projects with costs, a budget, approval ballots.

Ballot: the set of projects a voter approves, whose total cost may not exceed the budget
(a "knapsack ballot"). Error codes: ``unknown_project``, ``duplicate_project``,
``empty_ballot``, ``over_budget`` (total cost above the budget) and ``under_min_spend``
(total below the optional ``min_spend``).

Two outcome rules:

``greedy`` — "greedy by votes", the rule most city budgets use: take projects by approval
count, most approved first; a project that no longer fits is skipped and the next one is
tried. Ties in approvals: cheaper project first, then the order in which projects are listed.

``mes`` — the Method of Equal Shares (Peters & Skowron, "Proportionality and the Limits of
Welfarism", 2020; Peters, Pierczyński & Skowron, NeurIPS 2021; https://equalshares.net).
The budget is split equally among voters. A project is affordable when its supporters still
hold enough money to pay for it; among affordable projects the one that needs the smallest
maximum payment per unit of utility (the highest "effective vote count") is funded, each
supporter paying that amount times their utility or, if they have less, everything they
have left. ``utility="cost"`` (cost utilities: a voter's utility for an approved project is
its cost — the equalshares.net default) or ``utility="approval"`` (utility 1).
Ties between equally good projects: cheaper first, then more approvals, then listing order.

Completion (MES alone usually leaves money unspent): the "add1" method of equalshares.net —
re-run MES with every voter's initial share raised by ``completion_step`` currency units
(default 1) while the outcome's cost stays within the real budget and is not yet
exhaustive, keep the last outcome that fits, then fill what is left greedily by votes
(same order as the greedy rule). The steps say which projects came from which phase.

Voters with identical ballots are handled as one weighted group: MES treats them
identically, so their remaining money is always the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .base import BallotError, Result, Step, aggregate

EPS = 1e-9


@dataclass
class BudgetResult(Result):
    rule: str = "greedy"
    budget: int = 0
    costs: dict[str, int] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)
    selected: list[str] = field(default_factory=list)
    spent: int = 0
    ballots: int = 0
    # MES only: the per-voter endowment of the outcome kept, the most any one supporter paid
    # for each funded project, and the phase that selected it ("mes" or "greedy").
    endowment: float = 0.0
    max_payment: dict[str, float] = field(default_factory=dict)
    phase: dict[str, str] = field(default_factory=dict)


def check_projects(projects: Mapping[str, int], budget: int) -> dict[str, int]:
    costs = dict(projects)
    if not costs:
        raise BallotError("no_projects", "projects")
    for project, cost in costs.items():
        if not isinstance(project, str) or not project:
            raise BallotError("invalid_project", "projects", project=project)
        if isinstance(cost, bool) or not isinstance(cost, int) or cost <= 0:
            raise BallotError("invalid_cost", project, cost=cost)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
        raise BallotError("invalid_parameter", "budget", value=budget)
    return costs


def validate_ballot(
    ballot: Iterable[str],
    projects: Mapping[str, int],
    budget: int,
    min_spend: int = 0,
) -> frozenset[str]:
    if isinstance(ballot, str):
        raise BallotError("invalid_ballot", "ballot", expected="list of projects")
    chosen: set[str] = set()
    for project in ballot:
        if project not in projects:
            raise BallotError("unknown_project", str(project))
        if project in chosen:
            raise BallotError("duplicate_project", project)
        chosen.add(project)
    if not chosen:
        raise BallotError("empty_ballot", "ballot")
    spent = sum(projects[p] for p in chosen)
    if spent > budget:
        raise BallotError("over_budget", "ballot", spent=spent, budget=budget)
    if spent < min_spend:
        raise BallotError("under_min_spend", "ballot", spent=spent, min_spend=min_spend)
    return frozenset(chosen)


def _prepare(
    ballots: Iterable[Iterable[str]], projects: Mapping[str, int], budget: int, min_spend: int
) -> tuple[dict[str, int], list[tuple[frozenset[str], int]], dict[str, int]]:
    costs = check_projects(projects, budget)
    groups: dict[frozenset[str], int] = {}
    for ballot, weight in aggregate(tuple(b) for b in ballots).items():
        approved = validate_ballot(ballot, costs, budget, min_spend)
        groups[approved] = groups.get(approved, 0) + weight
    votes = dict.fromkeys(costs, 0)
    for approved, weight in groups.items():
        for project in approved:
            votes[project] += weight
    return costs, list(groups.items()), votes


def _greedy_order(costs: dict[str, int], votes: dict[str, int]) -> list[str]:
    listed = {p: i for i, p in enumerate(costs)}
    return sorted(costs, key=lambda p: (-votes[p], costs[p], listed[p]))


def _finish(result: BudgetResult) -> BudgetResult:
    result.spent = sum(result.costs[p] for p in result.selected)
    result.winners = list(result.selected)
    result.winner = result.selected[0] if result.selected else None
    result.steps.append(
        Step("budget_outcome", projects=result.selected, spent=result.spent, budget=result.budget)
    )
    return result


def greedy(
    ballots: Iterable[Iterable[str]],
    projects: Mapping[str, int],
    budget: int,
    min_spend: int = 0,
) -> BudgetResult:
    costs, groups, votes = _prepare(ballots, projects, budget, min_spend)
    result = BudgetResult(
        method="budget", rule="greedy", options=list(costs), budget=budget, costs=costs, votes=votes
    )
    result.ballots = sum(w for _g, w in groups)
    result.steps.append(Step("ballots_counted", ballots=result.ballots))
    _greedy_fill(result, result.ballots > 0)
    return _finish(result)


def _greedy_fill(result: BudgetResult, any_votes: bool) -> None:
    left = result.budget - sum(result.costs[p] for p in result.selected)
    for project in _greedy_order(result.costs, result.votes):
        if project in result.selected or not any_votes or result.votes[project] == 0:
            continue
        cost = result.costs[project]
        if cost <= left:
            left -= cost
            result.selected.append(project)
            result.phase[project] = "greedy"
            result.steps.append(
                Step(
                    "project_funded",
                    project=project,
                    cost=cost,
                    votes=result.votes[project],
                    left=left,
                )
            )
        else:
            result.steps.append(
                Step(
                    "project_skipped",
                    project=project,
                    cost=cost,
                    votes=result.votes[project],
                    left=left,
                )
            )


def _equal_shares(
    costs: dict[str, int],
    groups: list[tuple[frozenset[str], int]],
    votes: dict[str, int],
    endowment: float,
    cost_utility: bool,
) -> tuple[list[str], dict[str, float]]:
    listed = {p: i for i, p in enumerate(costs)}
    money = [endowment] * len(groups)
    weight = [w for _a, w in groups]
    approvers: dict[str, list[int]] = {p: [] for p in costs}
    for g, (approved, _w) in enumerate(groups):
        for project in approved:
            approvers[project].append(g)
    # Effective vote count of the last evaluation: budgets only shrink, so it is an upper
    # bound and lets a round stop as soon as no remaining project can beat the best so far.
    bound: dict[str, float] = {
        p: float(votes[p] * (costs[p] if cost_utility else 1)) for p in costs if votes[p] > 0
    }
    selected: list[str] = []
    payment: dict[str, float] = {}
    while bound:
        best: list[str] = []
        best_eff = 0.0
        best_rho: dict[str, float] = {}
        for project in sorted(bound, key=lambda p: (-bound[p], listed[p])):
            if bound[project] < best_eff - EPS:
                break
            cost = costs[project]
            members = approvers[project]
            if sum(money[g] * weight[g] for g in members) < cost - EPS:
                del bound[project]
                continue
            members.sort(key=money.__getitem__)
            paid, heads = 0.0, float(votes[project])
            rho = 0.0
            for g in members:
                rho = (cost - paid) / heads
                if rho > money[g]:
                    paid += money[g] * weight[g]
                    heads -= weight[g]
                else:
                    break
            utility = cost if cost_utility else 1
            eff = cost * utility / rho if rho > 0 else float("inf")
            bound[project] = eff
            if eff > best_eff + EPS:
                best, best_eff = [project], eff
            elif abs(eff - best_eff) <= EPS:
                best.append(project)
            best_rho[project] = rho
        if not best:
            break
        chosen = min(best, key=lambda p: (costs[p], -votes[p], listed[p]))
        rho = best_rho[chosen]
        for g in approvers[chosen]:
            money[g] = money[g] - rho if money[g] > rho else 0.0
        selected.append(chosen)
        payment[chosen] = rho
        del bound[chosen]
    return selected, payment


def mes(
    ballots: Iterable[Iterable[str]],
    projects: Mapping[str, int],
    budget: int,
    min_spend: int = 0,
    utility: str = "cost",
    completion: str = "add1",
    completion_step: float = 1,
) -> BudgetResult:
    if utility not in ("cost", "approval"):
        raise BallotError("invalid_parameter", "utility", value=utility)
    if completion not in ("add1", "greedy", "none"):
        raise BallotError("invalid_parameter", "completion", value=completion)
    if completion_step <= 0:
        raise BallotError("invalid_parameter", "completion_step", value=completion_step)
    costs, groups, votes = _prepare(ballots, projects, budget, min_spend)
    result = BudgetResult(
        method="budget", rule="mes", options=list(costs), budget=budget, costs=costs, votes=votes
    )
    voters = sum(w for _g, w in groups)
    result.ballots = voters
    result.steps.append(Step("ballots_counted", ballots=voters))
    if voters == 0:
        result.steps.append(Step("no_votes"))
        return _finish(result)
    cost_utility = utility == "cost"
    endowment = budget / voters
    result.steps.append(Step("mes_share", share=endowment, voters=voters, budget=budget))
    selected, payment = _equal_shares(costs, groups, votes, endowment, cost_utility)
    kept = endowment
    if completion == "add1":
        while True:
            spent = sum(costs[p] for p in selected)
            if all(costs[p] > budget - spent for p in costs if p not in selected and votes[p]):
                break
            trial = kept + completion_step
            more, more_payment = _equal_shares(costs, groups, votes, trial, cost_utility)
            if sum(costs[p] for p in more) > budget:
                break
            selected, payment, kept = more, more_payment, trial
        if kept != endowment:
            result.steps.append(Step("mes_add1", share=kept))
    result.endowment = kept
    for project in selected:
        result.selected.append(project)
        result.phase[project] = "mes"
        result.max_payment[project] = payment[project]
        result.steps.append(
            Step(
                "mes_funded",
                project=project,
                cost=costs[project],
                votes=votes[project],
                payment=payment[project],
            )
        )
    if completion in ("add1", "greedy"):
        result.steps.append(Step("greedy_completion"))
        _greedy_fill(result, True)
    return _finish(result)


RULES = {"greedy": greedy, "mes": mes}


def tally(
    ballots: Iterable[Iterable[str]],
    projects: Mapping[str, int],
    budget: int,
    rule: str = "mes",
    **params: object,
) -> BudgetResult:
    if rule not in RULES:
        raise BallotError("invalid_parameter", "rule", value=rule)
    return RULES[rule](ballots, projects, budget, **params)  # type: ignore[arg-type]
