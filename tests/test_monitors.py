"""Property monitors on hand-written traces: each must flag what breaks it, and only that.

The traces here are not produced by any scheme: each step carries hand-written events (an
error completes, a file opens, a syncfs begins, a cursor takes its value, a call returns) or a
hand-written write to O, and the test replays them through the reference interpreter with the
monitor's instrumentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.errseq import ErrseqLayout
from model.expr import Const, evaluate
from model.ir import PC, SHARED, Actor, Event, FileInfo, Step, VarDecl, World, execute
from specs.properties import Monitor, violation_of

EIO, ENOSPC = 5, 28
L2 = ErrseqLayout(counter_bits=2)


@dataclass
class S:
    """One hand-written step: who does it and what it means."""

    actor: str
    events: list[tuple[str, dict]]
    writes_o: int | None = None  # a raw value written to O


def err(n: int, inc: bool = False) -> S:
    return S("W", [("error_done", {"n": n, "errno": EIO}),
                   ("set_done", {"word": "U", "inc": Const(int(inc))})])


def opened(actor: str, f: str, layer: str = "O") -> S:
    return S(actor, [("open", {"file": f, "layer": layer, "actor": actor})])


def begin(actor: str, f: str, layer: str = "O") -> S:
    return S(actor, [("sync_begin", {"file": f, "layer": layer, "actor": actor})])


def cursor(actor: str, f: str, ret: int, layer: str = "O") -> S:
    return S(actor, [("cursor", {"file": f, "layer": layer, "actor": actor, "ret": Const(ret)})])


def ret(actor: str, f: str, value: int, layer: str = "O") -> S:
    return S(actor, [("sync_return", {"file": f, "layer": layer, "actor": actor,
                                      "ret": Const(value)})])


def syncfs(actor: str, f: str, value: int, layer: str = "O") -> list[S]:
    """A whole call in one step: begin, report and return together."""
    args = {"file": f, "layer": layer, "actor": actor}
    return [S(actor, [("sync_begin", args), ("cursor", {**args, "ret": Const(value)}),
                      ("sync_return", {**args, "ret": Const(value)})])]


def run(prop: str, trace: list[S], files: dict[str, tuple[str, tuple[str, ...]]]
        ) -> list[int]:
    """Replay ``trace``; the 1-based indices of the steps that violate ``prop``."""
    actors: dict[str, list[Step]] = {}
    for s in trace:
        steps = actors.setdefault(s.actor, [])
        events = tuple(Event(k, tuple(a.items())) for k, a in s.events)
        assigns = (("O", Const(s.writes_o)),) if s.writes_o is not None else ()
        pc = len(steps)
        steps.append(Step(s.actor, pc, f"hand {pc}", Const(1), assigns,
                          ((Const(1), pc + 1),), events, lambda v: ""))
    roles = {"W": "writeback"}
    world = World(
        variables=(VarDecl("U", SHARED, "U", errseq=True), VarDecl("O", SHARED, "O", errseq=True))
        + tuple(VarDecl(f"{a}.pc", PC, "pc", owner=a) for a in actors),
        actors=tuple(Actor(a, roles.get(a, "overlay-syncer"), "", tuple(st))
                     for a, st in actors.items()),
        layout=L2, initial={},
        files=tuple(FileInfo(f, layer, f"{f}.f_sb_err", holders)
                    for f, (layer, holders) in files.items()),
        overlays=("O",), errors=(EIO,),
    )
    world = Monitor(prop).instrument(world)
    env = dict(zip(world.names, world.initial_state(), strict=True))
    bad = []
    for i, s in enumerate(trace, start=1):
        a = world.actor(s.actor)
        st = a.steps[env[a.pc_var]]
        if evaluate(violation_of(st), env):
            bad.append(i)
        env = execute(st, env)
    return bad


ONE = {"fd1": ("O", ("P1",))}
TWO = {"fd1": ("O", ("P1",)), "fd2": ("O", ("P2",))}
SHARED_FD = {"fd1": ("O", ("T1", "T2"))}


# -- lost ------------------------------------------------------------------------------------

def test_lost_flags_an_error_between_open_and_call() -> None:
    assert run("lost", [opened("P1", "fd1"), err(1), *syncfs("P1", "fd1", 0)], ONE) == [3]


def test_lost_ignores_an_error_before_open() -> None:
    assert run("lost", [err(1), opened("P1", "fd1"), *syncfs("P1", "fd1", 0)], ONE) == []


def test_lost_ignores_an_error_completing_during_the_call() -> None:
    trace = [opened("P1", "fd1"), begin("P1", "fd1"), err(1), cursor("P1", "fd1", 0),
             ret("P1", "fd1", 0)]
    assert run("lost", trace, ONE) == []


def test_lost_accepts_the_error_reported_and_flags_the_next_one() -> None:
    trace = [opened("P1", "fd1"), err(1), *syncfs("P1", "fd1", EIO), err(2),
             *syncfs("P1", "fd1", 0)]
    assert run("lost", trace, ONE) == [5]


def test_lost_uses_the_report_step_not_the_return_step() -> None:
    """Two threads on one file under f_lock: T2 rightly returns 0 before T1 returns EIO."""
    trace = [opened("T1", "fd1"), err(1), begin("T1", "fd1"), begin("T2", "fd1"),
             cursor("T1", "fd1", EIO), cursor("T2", "fd1", 0), ret("T2", "fd1", 0),
             ret("T1", "fd1", EIO)]
    assert run("lost", trace, SHARED_FD) == []
    assert run("double", trace, SHARED_FD) == []


# -- double ----------------------------------------------------------------------------------

def test_double_flags_the_same_error_twice() -> None:
    trace = [opened("P1", "fd1"), err(1), *syncfs("P1", "fd1", EIO), *syncfs("P1", "fd1", EIO)]
    assert run("double", trace, ONE) == [4]


def test_double_accepts_a_new_error_reported() -> None:
    trace = [opened("P1", "fd1"), err(1), *syncfs("P1", "fd1", EIO), err(2),
             *syncfs("P1", "fd1", ENOSPC)]
    assert run("double", trace, ONE) == []


def test_double_counts_threads_sharing_a_file_as_one_file() -> None:
    trace = [opened("T1", "fd1"), err(1), *syncfs("T1", "fd1", EIO), *syncfs("T2", "fd1", EIO)]
    assert run("double", trace, SHARED_FD) == [4]


def test_double_allows_each_file_its_own_report() -> None:
    trace = [opened("P1", "fd1"), opened("P2", "fd2"), err(1), *syncfs("P1", "fd1", EIO),
             *syncfs("P2", "fd2", EIO)]
    assert run("double", trace, TWO) == []


def test_double_flags_an_error_invented_before_any_happened() -> None:
    assert run("double", [opened("P1", "fd1"), *syncfs("P1", "fd1", EIO)], ONE) == [2]


# -- unseen ----------------------------------------------------------------------------------

def test_unseen_flags_a_late_opener_told_nothing() -> None:
    assert run("unseen", [err(1), opened("P1", "fd1"), *syncfs("P1", "fd1", 0)], ONE) == [3]


def test_unseen_accepts_the_late_opener_told() -> None:
    assert run("unseen", [err(1), opened("P1", "fd1"), *syncfs("P1", "fd1", EIO)], ONE) == []


def test_unseen_accepts_an_error_already_consumed_on_the_layer() -> None:
    trace = [opened("P1", "fd1"), err(1), *syncfs("P1", "fd1", EIO), opened("P2", "fd2"),
             *syncfs("P2", "fd2", 0)]
    assert run("unseen", trace, TWO) == []


def test_unseen_is_per_layer() -> None:
    """Consumed on U does not count for O: J. Layton's one layer hiding an error."""
    files = {"fd1": ("U", ("Q1",)), "fd2": ("O", ("P2",))}
    trace = [opened("Q1", "fd1", "U"), err(1), *syncfs("Q1", "fd1", EIO, "U"),
             opened("P2", "fd2"), *syncfs("P2", "fd2", 0)]
    assert run("unseen", trace, files) == [5]


def test_unseen_checks_only_the_first_syncfs() -> None:
    trace = [err(1), opened("P1", "fd1"), *syncfs("P1", "fd1", EIO), *syncfs("P1", "fd1", 0)]
    assert run("unseen", trace, ONE) == []


# -- backward --------------------------------------------------------------------------------

def w(value: int) -> S:
    return S("P1", [], writes_o=value)


A = (0 << 13) | EIO  # ctr=0 EIO
B = (1 << 13) | EIO  # ctr=1 EIO
SEEN = 1 << 12


def test_backward_flags_a_rearm() -> None:
    assert run("backward", [w(A), w(A | SEEN), w(A)], ONE) == [3]


def test_backward_accepts_forward_writes() -> None:
    assert run("backward", [w(A), w(A | SEEN), w(B), w(B | SEEN)], ONE) == []


def test_backward_flags_putting_back_an_older_value() -> None:
    assert run("backward", [w(A), w(B), w(A)], ONE) == [3]


def test_backward_counts_the_increment_that_leaves_the_value() -> None:
    """errseq_set moving O from ctr=0 to ctr=1 is the first of the four increments that
    bring a 2-bit counter back to ctr=0: coming back then is a wrap, not a regression."""
    def w_inc(value: int) -> S:
        return S("P1", [("set_done", {"word": "O", "inc": Const(1)})], writes_o=value)

    C2, C3 = (2 << 13) | EIO, (3 << 13) | EIO
    assert run("backward", [w(A), w_inc(B), w_inc(C2), w_inc(C3), w_inc(A)], ONE) == []
    assert run("backward", [w(A), w_inc(B), w_inc(C2), w(A)], ONE) == [4]


def test_backward_accepts_a_value_back_after_a_full_wrap() -> None:
    """Four increments (2-bit counter) between leaving A and coming back: a wrap, not a
    regression."""
    incs = [err(n, inc=True) for n in range(1, 5)]
    assert run("backward", [w(A), w(B), *incs, w(A)], ONE) == []
    assert run("backward", [w(A), w(B), *incs[:3], w(A)], ONE) == [6]


def test_a_backward_history_too_small_gives_unknown_never_holds(monkeypatch) -> None:
    """With one history slot O's second key has nowhere to go: the monitor flags it and the
    runner says ``unknown``, where a silently full history could have said ``holds``."""
    import dataclasses

    import specs.properties as props
    from checks.runner import check
    from specs.results import Verdict
    from specs.scenarios import SCENARIOS

    params = dataclasses.replace(SCENARIOS["seed"][0], errors=(5, 28))
    full = check("cursor", "spinlock", "seed", params, ["backward"]).results[0]
    assert full.verdict is Verdict.HOLDS
    monkeypatch.setattr(props, "_history_slots", lambda world, overlay: 1)
    small = check("cursor", "spinlock", "seed", params, ["backward"]).results[0]
    assert small.verdict is Verdict.UNKNOWN
    assert "ran out of room (g.O.overflow set at step 21)" in small.reason
