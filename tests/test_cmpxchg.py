"""The ``cmpxchg`` discipline (``model/cmpxchg.py``): the rewrite it makes, a retry replayed
step by step in the reference interpreter, and the refusal of a body that stores O twice."""

from __future__ import annotations

import pytest

from model import kernel
from model.expr import Var
from model.ir import StepView, World, enabled, execute
from model.validate import VariantError
from model.variants import DISCIPLINES, SCHEMES, CallCtx, Scheme, load_catalogue, register_scheme
from model.world import build_world
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]


def _world(scheme: str) -> World:
    load_catalogue()
    return build_world(SCHEMES[scheme], DISCIPLINES["cmpxchg"], SEED)


def _run(world: World, schedule: str) -> list[tuple[str, str, str, int]]:
    """(actor, step name, text, O after) per step of ``schedule`` (actor names, spaced)."""
    env = dict(zip(world.names, world.initial_state(), strict=True))
    out = []
    for who in schedule.split():
        a = world.actor(who)
        st = a.steps[env[a.pc_var]]
        assert enabled(st, env), (who, st.name)
        post = execute(st, env)
        out.append((who, st.name, st.text(StepView(env, post, world.layout)), post["O"]))
        env = post
    return out


def test_each_call_stores_O_once_through_a_cmpxchg_that_can_restart() -> None:
    w = _world("copy-naive")
    p1 = w.actor("P1")
    names = [s.name for s in p1.steps]
    # open, then per call: snapshot, read U, the store, the VFS check (read, cmpxchg); the
    # scheme's own steps are named by their line of copy_naive.c
    assert names[:6] == ["errseq_sample(O)", "READ_ONCE(O)", "copy_naive.c:62: read(U)",
                         "copy_naive.c:62: WRITE_ONCE(O).cmpxchg", "check_and_advance(O).read",
                         "check_and_advance(O).cmpxchg"]
    store = p1.steps[3]
    back = [t for _, t in store.goto if t <= store.pc]
    assert back == [2], "a failed store restarts at the body's first step (read U again)"
    assert p1.steps[1].pc not in back, "the snapshot step (which begins the call) is not redone"


def test_a_stale_copy_fails_its_cmpxchg_and_the_body_reruns() -> None:
    w = _world("copy-naive")
    # P1 snapshots O = 0 and reads U = 0; the error lands; P2 copies it into O; P1's stale
    # store of 0 must fail (without cmpxchg it overwrites the error: copy-naive's lost).
    rows = _run(w, "P1 P2 P1 P1 W W P2 P2 P2 P1 P1 P1")
    p1_store = rows[9]
    assert p1_store[0] == "P1" and "failed" in p1_store[2] and "restart" in p1_store[2]
    assert p1_store[3] == rows[8][3] != 0, "the failed cmpxchg leaves P2's error in O"
    assert rows[10][1] == "copy_naive.c:62: read(U)" and "ctr=0 EIO" in rows[10][2]
    assert "ok" in rows[11][2] and rows[11][3] == rows[8][3]


def test_cursor_keeps_its_uncovered_stores_to_U_and_the_cursor() -> None:
    """Only the store to O is rewritten: the steps that write U or ofs->cursor are the
    scheme's own, as under no lock (what cmpxchg cannot protect)."""
    w = _world("cursor")
    plain = build_world(SCHEMES["cursor"], DISCIPLINES["none"], SEED)

    def other_writers(world: World) -> list[tuple[str, frozenset[str]]]:
        return [(s.name, s.writes - {"P1.old", "P1.err", "P1.ret"})
                for s in world.actor("P1").steps if s.writes & {"U", "ofs.cursor"}]

    assert other_writers(w) == other_writers(plain) != []
    rewritten = [s.name for s in w.actor("P1").steps if "O" in s.writes
                 and any(t < s.pc for _, t in s.goto) and s.name.endswith(".cmpxchg.cmpxchg")]
    assert rewritten == ["cursor.c:60: errseq_set(O).cmpxchg.cmpxchg"] * 2  # one per call


def test_a_body_storing_O_twice_is_refused_at_registration() -> None:
    load_catalogue()

    class Twice(Scheme):
        name = "test-twice"
        summary = "copies U into O twice"
        provenance = "test"

        def sync_fs(self, call: CallCtx) -> None:
            b, ov = call.b, call.ov
            src = b.local("src", "U as read", errseq=True)

            def body() -> None:
                kernel.read_once(b, src, ov.U, "src")
                kernel.write_once(b, ov.O, src, "src")
                kernel.write_once(b, ov.O, Var(src.name), "src")

            call.region("body", body)

    with pytest.raises(VariantError, match=r"cmpxchg: the body stores O at 2 steps"):
        register_scheme(Twice)
    assert "test-twice" not in SCHEMES


@pytest.mark.parametrize("scheme", ["copy-naive", "cursor", "mustinc"])
def test_retries_never_close_a_cycle_in_the_state_graph(scheme: str) -> None:
    """No livelock: the whole state graph of ``seed`` under cmpxchg (reference interpreter,
    no monitors) is acyclic, so every execution ends, however the retries interleave."""
    import networkx as nx

    w = _world(scheme)
    names = w.names
    start = w.initial_state()
    graph = nx.DiGraph()
    graph.add_node(start)
    todo, retries = [start], 0
    while todo:
        s = todo.pop()
        env = dict(zip(names, s, strict=True))
        for a in w.actors:
            pc = env[a.pc_var]
            if pc >= a.done or not enabled(a.steps[pc], env):
                continue
            post = execute(a.steps[pc], env)
            retries += post[a.pc_var] < pc and a.steps[pc].name.endswith(".cmpxchg")
            t = tuple(post[n] for n in names)
            if t not in graph:
                todo.append(t)
            graph.add_edge(s, t)
    assert retries > 0, "no failed cmpxchg was reached: the test would prove nothing"
    assert nx.is_directed_acyclic_graph(graph)
