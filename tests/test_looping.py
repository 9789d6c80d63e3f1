"""Looping actors (``--syncs inf``, ``--upper-syncs inf``, ``--errors inf:...``): worlds
where processes call syncfs and writeback completes errors for ever, decided with the finite
ghost state (``specs.properties``; its exactness on the recorded rows is
``tests/test_finite_history.py``)."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from checks import smt
from checks.cli import cli
from checks.replay import replay
from checks.runner import Budget, check
from model.world import FOREVER, WorldParams
from specs.replaykey import parse_key
from specs.resolved import resolve
from specs.results import Verdict

#: one overlay file and one upper file, both syncing for ever, EIO for ever, 2-bit counter
LOOP = WorldParams(syncers=1, syncs=FOREVER, upper_syncers=1, upper_syncs=FOREVER,
                   errors=(5,), errors_forever=True, counter_bits=2)


def _results(scheme: str, lock: str, params: WorldParams = LOOP,
             props: tuple[str, ...] = ("lost", "double", "unseen", "backward", "deadlock"),
             backend: str = "python") -> dict[str, tuple[str, int | None, str]]:
    out = check(scheme, lock, "race", params, props=list(props),
                budget=Budget(backend=backend))
    return {r.prop: (r.verdict.value, r.trace_length if r.trace is not None else None,
                     r.reason) for r in out.results}


def test_looping_params_round_trip_through_json_and_keys() -> None:
    assert LOOP.looping and not WorldParams().looping
    assert WorldParams.from_json(LOOP.to_json()) == LOOP
    assert LOOP.to_json()["syncs"] == "inf"
    rc = resolve("cursor", "spinlock", "race", LOOP, "lost")
    key = parse_key(str(rc.key(("W",))))
    assert dict(key.overrides)["syncs"] == FOREVER


def test_a_looping_syncer_never_finishes_and_its_calls_repeat() -> None:
    rc = resolve("none", "none", "race", LOOP, "deadlock")
    world = rc.world
    p1 = world.actor("P1")
    # every goto stays inside the program: the process calls syncfs again after each return
    assert all(t < p1.done for st in p1.steps for _, t in st.goto)
    begins = [st for st in p1.steps if any(ev.kind == "sync_begin" for ev in st.events)]
    assert len(begins) == 1  # one call in the program, run for ever
    w = world.actor("W")
    assert all(t < w.done for st in w.steps for _, t in st.goto)


def test_cursor_spinlock_holds_for_any_number_of_calls_and_errors_where_it_should() -> None:
    got = _results("cursor", "spinlock")
    for prop in ("double", "backward", "deadlock"):
        assert got[prop][0] == "holds", got[prop]
        assert got[prop][2].startswith("holds for any number of syncfs calls and errors (")
    # with EIO for ever the 2-bit counter comes back to a value a cursor holds: lost, and the
    # shortest such run is 32 steps (three errors, the third completed before the last call)
    assert got["lost"][:2] == ("violated", 32)
    assert got["unseen"][:2] == ("violated", 8)


def test_known_bugs_are_found_with_their_shortest_length_in_looping_worlds() -> None:
    got = _results("copy-naive", "spinlock")
    assert {p: got[p][:2] for p in got} == {
        "lost": ("violated", 18), "double": ("violated", 15), "unseen": ("holds", None),
        "backward": ("violated", 12), "deadlock": ("holds", None)}
    got = _results("none", "spinlock", props=("lost", "double"))
    assert got["lost"][:2] == ("violated", 4) and got["double"][0] == "holds"


def test_python_and_native_agree_on_a_looping_world() -> None:
    native = pytest.importorskip("checks.native")
    if not native.available():
        pytest.skip("no C compiler")
    py = _results("cursor", "spinlock", backend="python")
    nat = _results("cursor", "spinlock", backend="native")
    assert {p: v[:2] for p, v in py.items()} == {p: v[:2] for p, v in nat.items()}


def test_a_looping_counterexample_replays_from_its_key() -> None:
    out = check("copy-naive", "spinlock", "race", LOOP, props=["double"],
                budget=Budget(backend="python")).results[0]
    assert out.verdict is Verdict.VIOLATED and out.key is not None
    key = parse_key(out.key)
    params = dataclasses.replace(LOOP)
    rc = resolve(key.scheme, key.lock, key.scenario, params, key.prop)
    trace = replay(rc.replay_world, key.schedule, key.prop, rc.twin)
    assert len(trace.steps) == out.trace_length
    res = CliRunner().invoke(cli, ["replay", out.key])
    assert res.exit_code == 1, res.output  # a violation, replayed
    assert "double" in res.output


def test_two_errnos_for_ever_interleave_one_error_at_a_time() -> None:
    p = dataclasses.replace(LOOP, errors=(5, 28), upper_syncers=0)
    rc = resolve("none", "none", "race", p, "deadlock")
    writers = [a for a in rc.world.actors if a.role == "writeback"]
    assert [a.name for a in writers] == ["W1", "W2"]
    got = _results("cursor", "spinlock", p, props=("double", "deadlock"))
    assert got["double"][0] == got["deadlock"][0] == "holds"


@pytest.mark.parametrize("args, needle", [
    (["--syncs", "inf", "--counter-bits", "2", "--property", "wrap"], "wide-counter twin"),
    (["--errors", "inf:EIO", "--counter-bits", "2", "--scenario", "late-open"],
     "cannot open after the last error"),
    (["--syncs", "inf"], "--counter-bits 19 with looping actors"),
    (["--syncs", "lots"], "neither a number of calls nor 'inf'"),
    (["--upper-syncs", "0"], "--upper-syncs must be in"),
])
def test_bad_looping_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(cli, ["check", "cursor", *args])
    assert res.exit_code == 2, res.output
    assert needle in res.output


def test_default_properties_leave_wrap_out_in_looping_worlds() -> None:
    res = CliRunner().invoke(cli, ["check", "none", "--syncs", "inf", "--errors", "inf:EIO",
                                   "--syncers", "1", "--counter-bits", "2", "--scenario",
                                   "race", "--backend", "python", "--no-timings"])
    assert res.exit_code == 1, res.output  # none loses errors
    assert " wrap " not in res.output and " deadlock " in res.output


def test_compare_takes_looping_bounds_and_leaves_wrap_out() -> None:
    res = CliRunner().invoke(cli, ["compare", "--scheme", "none,cursor", "--lock", "spinlock",
                                   "--scenario", "seed", "--syncs", "inf", "--errors",
                                   "inf:EIO", "--syncers", "1", "--counter-bits", "2",
                                   "--jobs", "1", "--backend", "python"])
    assert res.exit_code == 0, res.output
    assert "wrap" not in res.output.split("variant", 1)[1].splitlines()[0]
    assert "cursor --lock spinlock  holds for any number of syncfs calls and errors" in \
        res.output


def test_smt_never_claims_holds_in_a_looping_world_without_a_proof(monkeypatch) -> None:
    """A looping world's executions never end, so bounded model checking proves nothing by
    unrolling: ``double`` holds only with a proof, the reachable states' invariant
    (``checks.smtinv``) or k-induction, and without either it is ``unknown``."""
    p = WorldParams(syncers=1, syncs=FOREVER, errors=(5,), errors_forever=True,
                    counter_bits=2)
    out = check("none", "spinlock", "seed", p, props=["lost", "double"], engine="smt",
                budget=Budget(max_depth=12)).results
    lost, double = out
    assert lost.verdict is Verdict.VIOLATED and lost.trace_length == 4  # as explicit
    assert double.verdict is Verdict.HOLDS and double.proof == "invariant"
    monkeypatch.setattr(smt, "INVARIANT", False)
    double = check("none", "spinlock", "seed", p, props=["double"], engine="smt",
                   budget=Budget(max_depth=12)).results[0]
    assert double.verdict is Verdict.UNKNOWN
    assert double.reason.startswith("not k-inductive up to k=4; no violation up to depth 12")
    explicit = check("none", "spinlock", "seed", p, props=["lost", "double"],
                     budget=Budget(backend="python")).results
    assert explicit[0].trace_length == 4 and explicit[1].verdict is Verdict.HOLDS


def test_cmpxchg_starves_a_caller_when_the_other_syncs_for_ever() -> None:
    """Lock-free is not starvation-free: P2's looping calls keep rewriting O, so P1's
    cmpxchg always finds it changed (a lasso: stem 11, cycle 10; reports/bench/unbounded.md);
    with bounded calls the same variant holds ``progress`` (tests/expected_progress.json)."""
    p = WorldParams(syncers=2, syncs=FOREVER, errors=(5,), errors_forever=True,
                    counter_bits=2)
    r = check("copy-naive", "cmpxchg", "seed", p, props=["progress"],
              budget=Budget(backend="python")).results[0]
    assert r.verdict is Verdict.VIOLATED and r.trace is not None
    assert (len(r.trace.steps), r.trace.cycle_start) == (21, 11)
    assert "P1's syncfs never returns" in r.reason
    assert r.key is not None and "~" in r.key
