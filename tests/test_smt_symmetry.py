"""The SMT engine's symmetry breaking keeps verdicts and shortest lengths."""

from __future__ import annotations

import pytest

from checks import smt
from specs.resolved import resolve
from specs.scenarios import SCENARIOS


def _rc(scheme: str, prop: str):
    return resolve(scheme, "none", "seed", SCENARIOS["seed"][0], prop)


def test_identical_overlay_syncers_are_paired() -> None:
    world = _rc("copy-naive", "lost").world
    names = [a.name for a in world.actors]
    pairs = smt._symmetric_pairs(world)
    assert [(names[a], names[b]) for a, b in pairs] == [("P1", "P2")]


@pytest.mark.parametrize("scheme,prop", [("copy-naive", "lost"), ("none", "lost")])
def test_breaking_symmetry_keeps_verdict_length_and_trace(monkeypatch, scheme: str,
                                                          prop: str) -> None:
    rc = _rc(scheme, prop)
    broken = smt.bmc(rc.world, prop, 40, 120, rc.twin)
    monkeypatch.setattr(smt, "_symmetric_pairs", lambda world: [])
    plain = smt.bmc(rc.world, prop, 40, 120, rc.twin)
    assert broken.verdict == plain.verdict
    assert broken.depth == plain.depth
    assert broken.schedule == plain.schedule
