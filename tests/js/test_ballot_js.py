"""Runs the JavaScript unit tests of the ballot rules (``tests/js/ballot_rules_test.mjs``:
client-side ballot checks, ranking moves, budgets, and the realtime client's
``poll.submission`` event) with Node's test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)


def test_ballot_rules_js() -> None:
    if NODE is None:
        pytest.skip("node is not installed: the JavaScript unit tests cannot run")
    result = subprocess.run(
        [NODE, "--test", "tests/js/ballot_rules_test.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "# fail 0" in output, output
    assert "# pass 11" in output, output
