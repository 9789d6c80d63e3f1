"""The finite ghost state (``backward``'s saturated ages per key, ``unseen``'s freshness
bits, ``lost``'s order bits, ``double``'s saturated lags; ``specs.properties``) against the
absolute one on recorded rows: the same verdicts and shortest lengths, in both back ends.

``python tests/test_finite_history.py`` compares every row of ``expected_verdicts.json``
(about a minute with the native back end) and exits 1 on any difference."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

import specs.properties as props
from checks.runner import Budget, check
from specs.scenarios import SCENARIOS

DATA = Path(__file__).with_name("expected_verdicts.json")

ROWS = [
    ("cursor", "none", "wrap"),            # holds, ages saturate (1-bit counter)
    ("copy-naive", "none", "wrap"),        # violated at 8
    ("copy-counter", "none", "race"),      # violated at 15
    ("mustinc", "spinlock", "two-overlays"),  # holds, two overlays' histories
]


FINITE = ("backward", "unseen", "lost", "double")  # the properties with a finite ghost state


def _finite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(props, "FINITE_EVERYWHERE", True)


def _verdict(scheme: str, lock: str, scenario: str, prop: str, backend: str
             ) -> tuple[str, int | None]:
    r = check(scheme, lock, scenario, SCENARIOS[scenario][0], props=[prop],
              budget=Budget(backend=backend)).results[0]
    return r.verdict.value, r.trace_length if r.trace is not None else None


@pytest.mark.parametrize("backend", ["python", "native"])
@pytest.mark.parametrize("prop", FINITE)
@pytest.mark.parametrize("row", ROWS, ids=" ".join)
def test_finite_ghosts_give_the_recorded_verdict(row, prop, backend, monkeypatch) -> None:
    recorded = json.loads(DATA.read_text())[f"{row[0]} --lock {row[1]} --scenario {row[2]}"]
    cell = recorded[prop]
    _finite(monkeypatch)
    assert _verdict(*row, prop, backend) == (cell["verdict"], cell.get("length"))


def _every_fourth_row() -> list[tuple]:
    if str(Path(__file__).parent.parent) not in sys.path:  # (run as a script)
        sys.path.insert(0, str(Path(__file__).parent.parent))
    from tests.test_expected_verdicts import cases
    return cases()[::4]


@pytest.mark.parametrize("prop", FINITE)
@pytest.mark.parametrize("case", _every_fourth_row(), ids=lambda c: " ".join(map(str, c[:3])))
def test_finite_ghosts_on_a_quarter_of_the_recorded_matrix(case, prop, monkeypatch) -> None:
    """Every fourth row of ``expected_verdicts.json`` (all schemes, scenarios and both
    disciplines among them), native back end: ``python tests/test_finite_history.py``
    runs every row."""
    from tests.test_expected_verdicts import key
    cell = json.loads(DATA.read_text())[key(*case)][prop]
    _finite(monkeypatch)
    params = dataclasses.replace(SCENARIOS[case[2]][0], **case[3])
    r = check(case[0], case[1], case[2], params, props=[prop],
              budget=Budget(backend="native")).results[0]
    assert (r.verdict.value, r.trace_length if r.trace is not None else None) == \
        (cell["verdict"], cell.get("length"))


def test_the_finite_history_is_used_in_looping_worlds(monkeypatch) -> None:
    from specs.resolved import resolve
    rc = resolve("cursor", "none", "wrap", SCENARIOS["wrap"][0], "backward")
    world = rc._build(rc.requested)  # not yet instrumented
    looping = dataclasses.replace(world, params={**world.params, "looping": True})
    names = {v.name for v in props.Monitor("backward").instrument(looping).variables}
    assert "g.incs" not in names and any(n.startswith("g.O.age") for n in names)
    assert "g.O.d0" in {v.name for v in props.Monitor("backward", finite=True).instrument(
        world).variables}
    names = {v.name for v in props.Monitor("unseen").instrument(looping).variables}
    assert "g.U.cons" not in names and "g.U.fresh" in names
    names = {v.name for v in props.Monitor("lost").instrument(looping).variables}
    assert "g.G" not in names and "g.[fd1.hi<P1.Gs]" in names
    names = {v.name for v in props.Monitor("double").instrument(looping).variables}
    assert "g.G" not in names and "g.fd1.laglo" in names


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from tests.test_expected_verdicts import cases, key
    mp = pytest.MonkeyPatch()
    _finite(mp)
    data = json.loads(DATA.read_text())
    bad = 0
    for c in cases():
        params = dataclasses.replace(SCENARIOS[c[2]][0], **c[3])
        for prop in FINITE:
            r = check(c[0], c[1], c[2], params, props=[prop],
                      budget=Budget(backend="native")).results[0]
            cell = data[key(*c)][prop]
            got = (r.verdict.value, r.trace_length if r.trace is not None else None)
            if got != (cell["verdict"], cell.get("length")):
                bad += 1
                print("differs:", key(*c), prop, cell, got)
            elif r.trace is None:
                print(f"{key(*c)} {prop}: {cell['states']} -> {r.stats.states} states")
    print(f"{len(cases())} rows x {FINITE}: {bad} differ")
    sys.exit(1 if bad else 0)
