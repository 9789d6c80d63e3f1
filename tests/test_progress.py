"""``progress`` (issue 14, item 4): fair lassos on hand-written graphs, the catalogue's
``cmpxchg`` cells, and a hand-made discipline that livelocks, caught with a replayed lasso."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest

from checks import native
from checks.lasso import find_lasso
from checks.liveness import CYCLE_MARK, LassoReplayError, check_lasso
from checks.runner import check, replay_trace
from model import kernel
from model.expr import E
from model.ir import Var
from model.variants import (
    DISCIPLINES,
    SCHEMES,
    CallCtx,
    Discipline,
    load_catalogue,
    register_discipline,
)
from specs.properties import DEFAULT_PROPERTIES, PROPERTIES
from specs.resolved import resolve
from specs.results import Trace, Verdict
from specs.scenarios import SCENARIOS

load_catalogue()
SEED = SCENARIOS["seed"][0]


def graph(edges: dict[str, list[tuple[int, str]]]):
    return lambda x: edges.get(x, [])


def test_a_fair_cycle_that_keeps_a_call_open_is_found_with_the_shortest_stem() -> None:
    # s -0-> a -1-> b ; b -0-> c -1-> b (both actors step on the cycle b-c); actor 0 is
    # inside its call at b and c; a longer way into the cycle, s -1-> d -1-> e -0-> b
    g = graph({"s": [(0, "a"), (1, "d")], "a": [(1, "b")], "d": [(1, "e")], "e": [(0, "b")],
               "b": [(0, "c")], "c": [(1, "b")]})
    inside = {"b": frozenset({0}), "c": frozenset({0})}
    lasso = find_lasso("s", g, lambda x: inside.get(x, frozenset()), 2)
    assert lasso is not None
    assert (lasso.actor, lasso.entry) == (0, "b")
    assert lasso.stem == ((0, "a"), (1, "b"))
    assert lasso.cycle == ((0, "c"), (1, "b"))


def test_an_unfair_cycle_is_no_violation() -> None:
    # actor 0 spins b -0-> b inside its call while actor 1, enabled at b, never steps there:
    # weak fairness makes actor 1 move, and its step leaves for a state where 0 returns
    g = graph({"s": [(0, "b")], "b": [(0, "b"), (1, "r")], "r": [(0, "t")]})
    inside = {"b": frozenset({0})}
    assert find_lasso("s", g, lambda x: inside.get(x, frozenset()), 2) is None


def test_a_cycle_through_a_return_is_no_violation() -> None:
    # the cycle b -> c -> b passes c, where actor 0 is between calls
    g = graph({"s": [(0, "b")], "b": [(0, "c")], "c": [(0, "b")]})
    inside = {"b": frozenset({0})}
    assert find_lasso("s", g, lambda x: inside.get(x, frozenset()), 1) is None


def test_a_disabled_actor_need_not_step_and_a_dead_end_stutters() -> None:
    # at b actor 1 is disabled (blocked): the self-loop of actor 0 is fair
    g = graph({"s": [(1, "b")], "b": [(0, "b")]})
    lasso = find_lasso("s", g, lambda x: frozenset({0}) if x == "b" else frozenset(), 2)
    assert lasso is not None and lasso.stem == ((1, "b"),) and lasso.cycle == ((0, "b"),)
    # nothing moves at d and actor 1's call is unfinished: a lasso with an empty cycle
    g = graph({"s": [(0, "d")]})
    lasso = find_lasso("s", g, lambda x: frozenset({1}) if x == "d" else frozenset(), 2)
    assert lasso is not None and (lasso.actor, len(lasso.stem), lasso.cycle) == (1, 1, ())


class Polite(Discipline):
    """A "polite" lock that can livelock: count yourself in (``busy++``), back off and retry
    if you are not alone.  Alone it always gets through (so ``model.validate`` accepts it);
    two callers that count in together can back off together for ever."""

    name = "test-polite"
    summary = "livelocks: back off when another caller is trying too"

    def around(self, call: CallCtx, region: str, body) -> None:
        if region != "body":
            body()
            return
        b, busy = call.b, call.ov.lock
        call.declare(busy, "callers in the body or trying to enter it", False)
        retry, backoff, out = b.label("retry"), b.label("backoff"), b.label("out")
        b.step("smp_mb()", lambda v: "smp_mb()")  # the call's first step: no loop to it
        b.here(retry)
        b.step("busy++", lambda v: "atomic_inc(busy)",
               assigns={busy: E.add(Var(busy), E.const(1))})
        b.step("read(busy)", lambda v: "if (atomic_read(busy) != 1) goto backoff",
               goto=[(E.ne(Var(busy), E.const(1)), backoff), (E.const(1), None)])
        body()
        b.step("busy--", lambda v: "atomic_dec(busy)",
               assigns={busy: E.sub(Var(busy), E.const(1))}, goto=[(E.const(1), out)])
        b.here(backoff)
        b.step("busy-- (back off)", lambda v: "atomic_dec(busy); goto retry",
               assigns={busy: E.sub(Var(busy), E.const(1))}, goto=[(E.const(1), retry)])
        b.here(out)


@pytest.fixture(scope="module")
def polite():
    """The polite lock, registered for this module only: a discipline left in the global
    registry would be validated against every scheme by tests/test_validate.py."""
    register_discipline(Polite())
    yield Polite.name
    DISCIPLINES.pop(Polite.name, None)


def test_progress_is_opt_in() -> None:
    assert PROPERTIES["progress"].liveness
    assert "progress" not in DEFAULT_PROPERTIES
    assert set(DEFAULT_PROPERTIES) == set(PROPERTIES) - {"progress"}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_progress_holds_for_cmpxchg_on_every_scheme(scheme: str) -> None:
    r = check(scheme, "cmpxchg", "seed", SEED, ["progress"]).results[0]
    assert r.verdict is Verdict.HOLDS, r.reason
    assert r.stats.states > 1 and f"({r.stats.states} states)" in r.reason


@pytest.mark.parametrize("lock", ["none", "spinlock", "mutex", "spinlock-read-u"])
def test_progress_holds_for_the_other_disciplines_on_cursor(lock: str) -> None:
    r = check("cursor", lock, "seed", SEED, ["progress"]).results[0]
    assert r.verdict is Verdict.HOLDS, r.reason


def test_a_discipline_that_retries_for_ever_is_caught_with_a_replayed_lasso(polite) -> None:
    r = check("copy-naive", polite, "seed", SEED, ["progress"]).results[0]
    assert r.verdict is Verdict.VIOLATED
    t = r.trace
    assert t is not None and t.cycle_start is not None
    # stem: W's two steps (an enabled W may not sit out a fair cycle, so it finishes first),
    # then each file's open and its call's first step; cycle: both callers count in, both
    # see 2, both back off (3 steps each: the shortest lap in which both move)
    assert t.cycle_start == 6
    assert len(t.schedule) - t.cycle_start == 6
    assert sorted(t.schedule[:6]) == ["P1", "P1", "P2", "P2", "W", "W"]
    assert sorted(t.schedule[6:]) == ["P1"] * 3 + ["P2"] * 3
    assert "never returns" in r.reason
    assert r.key is not None and f",{CYCLE_MARK}," in r.key
    rc = resolve("copy-naive", polite, "seed", SEED, "progress")
    assert check_lasso(rc.world, t.schedule, t.cycle_start) in ("P1", "P2")
    again = Trace.from_json(json.loads(json.dumps(t.to_json())))
    assert again.cycle_start == 6 and again.schedule == t.schedule


def test_the_replay_key_names_the_lasso_and_a_wrong_one_is_refused(polite) -> None:
    r = check("copy-naive", polite, "seed", SEED, ["progress"]).results[0]
    assert r.trace is not None and r.key is not None
    rc = resolve("copy-naive", polite, "seed", SEED, "progress")
    sched = tuple(r.key.split("/")[-1].split(","))
    rep = replay_trace(rc, sched)
    assert rep.trace.cycle_start == r.trace.cycle_start and rep.key == r.key
    with pytest.raises(LassoReplayError, match="one"):
        replay_trace(rc, r.trace.schedule)  # no cycle mark
    stem_only = sched[:sched.index(CYCLE_MARK)] + (CYCLE_MARK, "P1")
    with pytest.raises(LassoReplayError):
        replay_trace(rc, stem_only)  # one step is no cycle


def test_check_progress_on_the_command_line() -> None:
    p = subprocess.run([sys.executable, "-m", "checks.cli", "check", "copy-naive", "--lock",
                        "cmpxchg", "--scenario", "seed", "--property", "progress", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert [r["verdict"] for r in out["results"]] == ["holds"]


def _lasso_report(polite: str):
    from checks.runner import trace_report

    rc = resolve("copy-naive", polite, "seed", SEED, "progress")
    r = check("copy-naive", polite, "seed", SEED, ["progress"]).results[0]
    assert r.trace is not None
    return trace_report(rc, r.trace)


def test_the_lasso_follows_the_trace_schema(polite) -> None:
    from test_trace import validate

    from reports.trace import SCHEMA, render

    doc = json.loads(render(_lasso_report(polite), "json"))
    validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["cycle_start"] == 6 and doc["property"] == "progress"


def test_the_text_trace_marks_the_cycle(polite) -> None:
    from reports.trace import render

    text = render(_lasso_report(polite), "text")
    lines = text.splitlines()
    mark = next(i for i, x in enumerate(lines) if "--- cycle: steps 7-12" in x)
    assert lines[mark + 1].split()[0] == "7"  # the mark sits just before step 7
    assert any("--- back to step 7 ---" in x for x in lines)
    assert ",~," in text.splitlines()[-1]


def test_every_trace_format_marks_the_cycle(polite) -> None:
    from reports.trace import FORMATS, render

    rep = _lasso_report(polite)
    marks = {"text": "--- cycle: steps 7-12", "json": '"cycle_start": 6',
             "mermaid": "cycle: steps 7-12 repeat for ever", "dot": "[cycle]",
             "svg": "blue: the cycle", "html": "cycle: steps 7-12 repeat for ever"}
    assert set(marks) == set(FORMATS)
    for fmt in FORMATS:
        assert marks[fmt] in render(rep, fmt), fmt
    row12 = r'<tr class="[^"]*\bcycle\b[^"]*" style="[^"]*"><td class="num">12<'
    assert re.search(row12, render(rep, "html"))
    assert "violated: progress" not in render(rep, "mermaid")  # no single bad step


class Leaky(Discipline):
    """A spinlock never released: registered without validation (``model.validate`` refuses
    it), to see how a blocked waiter counts."""

    name = "test-leaky-progress"

    def around(self, call: CallCtx, region: str, body) -> None:
        if region == "body":
            call.declare(call.ov.lock, "lock", False)
            kernel.spin_lock(call.b, call.ov.lock)
        body()


def test_a_waiter_blocked_for_ever_is_a_lasso_that_stutters_as_long_as_deadlock() -> None:
    register_discipline(Leaky(), validate=False)
    try:
        r = check("copy-naive", Leaky.name, "seed", SEED, ["progress", "deadlock"]).results
    finally:
        DISCIPLINES.pop(Leaky.name, None)
    prog, dead = r
    assert prog.verdict is Verdict.VIOLATED and dead.verdict is Verdict.VIOLATED
    assert prog.trace is not None and dead.trace is not None
    # nothing moves at the end: an empty cycle, reached by a shortest stem, which is the
    # deadlock's shortest trace (the blocked waiter is inside its call)
    assert prog.trace.cycle_start == len(prog.trace.schedule)
    assert len(prog.trace.schedule) == len(dead.trace.schedule)
    assert "stutters for ever" in render_text(prog)


def render_text(r) -> str:
    from reports.text import render_trace

    assert r.trace is not None
    return render_trace(r.trace, r.prop)


def test_a_state_limit_gives_unknown_with_figures() -> None:
    from checks.runner import Budget

    r = check("cursor", "cmpxchg", "seed", SEED, ["progress"], budget=Budget(max_states=50))
    res = r.results[0]
    assert res.verdict is Verdict.UNKNOWN
    assert "state limit 50" in res.reason and res.stats.states > 0


def test_the_cli_replays_a_lasso_key_and_refuses_a_broken_one(polite, capsys) -> None:
    from checks.cli import main

    key = "copy-naive/test-polite/seed/progress/-/W,W,P1,P1,P2,P2,~,P1,P2,P1,P2,P1,P2"
    assert main(["replay", key]) == 1
    out = capsys.readouterr().out
    assert "--- cycle: steps 7-12 repeat for ever ---" in out and key in out
    for bad, needle in ((key.replace(",~", ""), "'~'"), (key + ",P1", "does not return")):
        assert main(["replay", bad]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], lines


def test_the_smt_engine_hands_progress_to_the_state_graph_and_says_so() -> None:
    r = check("copy-naive", "cmpxchg", "seed", SEED, ["progress"], engine="smt").results[0]
    assert r.verdict is Verdict.HOLDS and "explicit state graph" in r.reason


def test_the_detector_agrees_with_simple_cycles_on_random_graphs() -> None:
    """Every lasso found is a fair cycle keeping its actor inside; when none is found, no
    simple cycle (nor a dead end) of any actor's inside-subgraph is fair."""
    import random

    import networkx as nx

    rng = random.Random(14)
    found = missed = 0
    for _ in range(300):
        n, actors = rng.randint(2, 6), rng.randint(1, 3)
        edges = {x: [(a, rng.randrange(n)) for a in range(actors) if rng.random() < 0.6]
                 for x in range(n)}
        ins = {x: frozenset(a for a in range(actors) if rng.random() < 0.6) for x in range(n)}
        lasso = find_lasso(0, edges.__getitem__, ins.__getitem__, actors)
        reach = nx.descendants(nx.DiGraph([(x, y) for x in edges for _, y in edges[x]]
                                          + [(0, 0)]), 0) | {0}

        def fair(cycle_nodes, cycle_actors, edges=edges, actors=actors) -> bool:
            return all(b in cycle_actors or any(b not in {a for a, _ in edges[x]}
                                               for x in cycle_nodes) for b in range(actors))

        if lasso is not None:
            found += 1
            nodes = [lasso.entry] + [y for _, y in lasso.cycle]
            assert all(lasso.actor in ins[x] for x in nodes)
            assert not lasso.cycle or nodes[-1] == lasso.entry
            assert lasso.cycle or not edges[lasso.entry]
            assert fair(nodes, {a for a, _ in lasso.cycle})
            cur = 0
            for a, y in lasso.stem + lasso.cycle:
                assert (a, y) in edges[cur]
                cur = y
            continue
        missed += 1
        for a in range(actors):
            keep = [x for x in reach if a in ins[x]]
            assert not any(not edges[x] for x in keep)
            g = nx.MultiDiGraph()
            g.add_nodes_from(keep)
            g.add_edges_from((x, y, b) for x in keep for b, y in edges[x] if y in keep)
            for cyc in nx.simple_cycles(nx.DiGraph(g)):
                labels = {b for i, x in enumerate(cyc) for b, y in edges[x]
                          if y == cyc[(i + 1) % len(cyc)]}
                # a simple cycle may take any of the parallel edges: all of them at best
                assert not fair(cyc, labels), (edges, ins, a, cyc)
    assert found > 20 and missed > 20


def _both_backends(scheme: str, lock: str, params) -> tuple:
    from checks.runner import Budget

    out = []
    for backend in ("python", "native"):
        r = check(scheme, lock, "custom", params, ["progress"],
                  budget=Budget(backend=backend)).results[0]
        t = r.trace
        out.append((r.verdict, r.stats.states, r.stats.transitions,
                    None if t is None else (len(t.schedule), t.cycle_start)))
    return tuple(out)


LOOPING = dataclasses.replace(SEED, syncs=-1, errors=(5,), errors_forever=True, counter_bits=2)


@pytest.mark.skipif(not native.available(), reason="no C compiler")
@pytest.mark.parametrize("scheme, expected", [
    ("copy-naive", (21, 11)), ("volatile", (42, None)), ("upper-cursor", None),
    ("copy-counter", None)])
def test_the_native_tarjan_finds_the_same_lassos_as_the_python_search(scheme, expected):
    py, c = _both_backends(scheme, "cmpxchg", LOOPING)
    assert py == c
    if expected is None:
        assert c[0] is Verdict.HOLDS
    else:
        assert c[0] is Verdict.VIOLATED and c[3][0] == expected[0]
        assert expected[1] is None or c[3][1] == expected[1]


@pytest.mark.skipif(not native.available(), reason="no C compiler")
def test_the_native_tarjan_catches_the_livelock_and_the_stutter(polite) -> None:
    py, c = _both_backends("copy-naive", polite, SEED)
    assert py == c and c[0] is Verdict.VIOLATED and c[3] == (12, 6)
    register_discipline(Leaky(), validate=False)
    try:
        py, c = _both_backends("copy-naive", Leaky.name, SEED)
    finally:
        DISCIPLINES.pop(Leaky.name, None)
    assert py == c and c[0] is Verdict.VIOLATED and c[3][0] == c[3][1]
