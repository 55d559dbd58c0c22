"""Export and import of participatory-budgeting elections in the Pabulib ``.pb`` format.

The format (https://pabulib.org/format) is a semicolon-separated text file with three
sections, each introduced by a line holding its name and then a header row:

* ``META`` — ``key;value`` rows; ``description``, ``country``, ``unit``, ``instance``,
  ``num_projects``, ``num_votes``, ``budget``, ``vote_type`` (here ``approval``) and
  ``rule`` are the usual keys.
* ``PROJECTS`` — ``project_id;cost;votes;name`` (and optionally ``selected``).
* ``VOTES`` — ``voter_id;vote`` where ``vote`` is the comma-separated list of project ids.

Values are written with Python's ``csv`` module (``;`` delimiter) so a name containing a
semicolon or quote survives the round trip.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .base import BallotError

SECTIONS = ("META", "PROJECTS", "VOTES")


@dataclass
class PabulibElection:
    meta: dict[str, str] = field(default_factory=dict)
    projects: dict[str, dict[str, str]] = field(default_factory=dict)
    votes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def costs(self) -> dict[str, int]:
        return {p: int(row["cost"]) for p, row in self.projects.items()}

    @property
    def budget(self) -> int:
        return int(float(self.meta["budget"]))

    @property
    def ballots(self) -> list[list[str]]:
        return list(self.votes.values())


def dumps(
    projects: Mapping[str, int],
    budget: int,
    ballots: Iterable[Sequence[str]],
    *,
    names: Mapping[str, str] | None = None,
    selected: Iterable[str] = (),
    meta: Mapping[str, str] | None = None,
) -> str:
    ballots = [list(b) for b in ballots]
    votes = dict.fromkeys(projects, 0)
    for ballot in ballots:
        for project in ballot:
            votes[project] += 1
    chosen = set(selected)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    header = {
        "description": "cocrea",
        "country": "Colombia",
        "unit": "",
        "instance": "",
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "greedy",
    }
    header.update(meta or {})
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in header.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", "votes", "name", "selected"])
    for project, cost in projects.items():
        name = (names or {}).get(project, project)
        writer.writerow([project, cost, votes[project], name, int(project in chosen)])
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote"])
    for number, ballot in enumerate(ballots, start=1):
        writer.writerow([number, ",".join(ballot)])
    return out.getvalue()


def loads(text: str) -> PabulibElection:
    election = PabulibElection()
    section: str | None = None
    header: list[str] | None = None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            continue
        if len(row) == 1 and row[0].strip().upper() in SECTIONS:
            section, header = row[0].strip().upper(), None
            continue
        if section is None:
            raise BallotError("pabulib_no_section", "META")
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        record = dict(zip(header, row, strict=False))
        if section == "META":
            election.meta[row[0].strip()] = row[1].strip() if len(row) > 1 else ""
        elif section == "PROJECTS":
            election.projects[record["project_id"]] = record
        else:
            vote = record.get("vote", "")
            election.votes[record["voter_id"]] = [v for v in vote.split(",") if v]
    for needed in SECTIONS:
        if needed == "META" and not election.meta:
            raise BallotError("pabulib_missing_section", needed)
        if needed == "PROJECTS" and not election.projects:
            raise BallotError("pabulib_missing_section", needed)
    return election
