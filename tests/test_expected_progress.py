"""The recorded ``progress`` matrix: every scheme x discipline on the small scenarios, verdict
and explored states (``tests/expected_progress.json``), kept apart from the safety matrices
because ``progress`` is opt-in.  Regenerate (after checking why a figure moved) with
``python tests/test_expected_progress.py --update``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from checks.runner import check
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from specs.scenarios import SCENARIOS

load_catalogue()
EXPECTED = Path(__file__).with_name("expected_progress.json")
SCENES = ("seed", "shared-fd", "late-open", "two-overlays")


def cells() -> list[tuple[str, str, str]]:
    return [(s, d, sc) for s in sorted(SCHEMES) for d in sorted(DISCIPLINES) for sc in SCENES
            if not d.startswith("test-")]


def figures(scheme: str, lock: str, scenario: str) -> dict[str, object]:
    r = check(scheme, lock, scenario, SCENARIOS[scenario][0], ["progress"]).results[0]
    return {"verdict": r.verdict.value, "states": r.stats.states}


def test_the_recorded_progress_matrix_covers_the_catalogue() -> None:
    rec = json.loads(EXPECTED.read_text())
    assert set(rec) == {"/".join(c) for c in cells()}


@pytest.mark.parametrize("scenario", SCENES)
def test_progress_verdicts_and_states_are_as_recorded(scenario: str) -> None:
    rec = json.loads(EXPECTED.read_text())
    got = {"/".join(c): figures(*c) for c in cells() if c[2] == scenario}
    assert got == {k: v for k, v in rec.items() if k.endswith("/" + scenario)}


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    EXPECTED.write_text(json.dumps({"/".join(c): figures(*c) for c in cells()}, indent=1,
                                   sort_keys=True) + "\n")
