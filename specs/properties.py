"""The contract (DESIGN §4): properties as monitors with ghost state.

A monitor adds ghost variables to the world and, to every step, ghost assignments and a
violation condition, all IR expressions over the state before the step, derived from the
step's events (``error_done``, ``open``, ``sync_begin``, ``cursor``, ``sync_return``,
``set_done``) and from what it writes.  An engine then only has to look for a step whose
violation condition holds: the same instrumented world runs in every engine.

Ghost state (names start with ``g.``):

``g.G``            completed writeback errors on U so far
``g.LAYER.R``      the greatest error generation already reported to some file on LAYER
``g.FILE.lo/hi``   the interval of generations that could have been acknowledged to FILE
``g.ACTOR.Gs``     G when ACTOR's current syncfs began
``g.ACTOR.Ge``     G at the step where the call's cursor took its value (the report)
``g.ACTOR.lo/hi``  FILE's interval at that step, before the call's own accounting
``g.ACTOR.acc``    1 if the call accounted an error at that step
``g.LAYER.cons``   greatest generation some cursor on LAYER has consumed (``unseen``)
``g.FILE.owed``    1 if an error nobody on FILE's layer consumed existed when FILE was opened
``g.FILE.first``   1 once FILE's first syncfs has made its report
``g.ACTOR.first``  1 if ACTOR's current call made FILE's first report
``g.O.hN/dN``      history of O (``backward``): a (counter, errno) key O left (+1; 0: empty
                   slot), and the counter increments errseq_set made on U and O since it
                   left it, saturated at ``2**counter_bits`` (worlds with looping actors)
``g.incs``,        in bounded worlds, instead of ``dN``: the increments so far, and
``g.O.tN``         ``g.incs`` when O left ``hN``

Properties:

* ``lost``: a syncfs returns 0 although ``hi < Gs``: an error completed after the file was
  opened and before the call began, and no accounting could have reported it.  On 0 nothing
  changes; on an error ``lo := max(lo+1, Gs)``, ``hi := Ge``, ``R := max(R, lo)``.
  ``R`` is kept per layer (superblock), as errseq keeps SEEN per word: an error reported to a
  file on U has not been reported on O, and a late opener on O may (``unseen``: must) get it.
* ``double``: a syncfs returns an error although ``Ge <= lo``: nothing new could have been
  reported.  Threads sharing a file share its interval.
* ``unseen``: errseq's v4.17 promise, per layer: if an error nobody on the file's layer had
  consumed existed when the file was opened, the file's first syncfs must report it.
* ``backward``: a write to O that clears SEEN keeping counter and errno (re-arms an error), or
  puts back a (counter, errno) O held before and has since left with fewer than
  ``2**counter_bits`` increments in between.
* ``wrap``: a lost error that the same interleaving does not lose when the counter cannot
  wrap (the engine runs a twin world with a wide counter in lockstep; see ``checks``).
* ``deadlock``: a state where unfinished actors are all blocked (checked by the engines).
* ``progress`` (liveness, opt-in): every syncfs call returns on every weakly fair run; no
  monitor, decided on fair cycles of the state graph (``checks.liveness``).

Why the saturated history ages are exact (``backward``).  Write ``I`` for the number of
increments so far and ``t_i`` for ``I`` just before the step that last filled slot ``i``.
The only use of the pair is the test ``I - t_i < P`` (``P = 2**counter_bits``) on a step,
with ``I`` counted after that step.  Keep instead ``d_i = min(I - t_i, P)``, the invariant
being established when the slot is filled (``d_i := min(delta, P)``, ``delta`` the step's
increments) and kept by ``d_i := min(d_i + delta, P)`` on every step, because
``min(min(x, P) + delta, P) = min(x + delta, P)`` for ``delta >= 0``.  Then
``I - t_i < P  <=>  d_i < P``: every test gives the same answer, so every path violates
``backward`` at the same step as before.  An empty slot (``h_i = 0``) is never tested
(a tag is at least 1); its age starts saturated, at ``P``, so aging leaves it alone.
``d_i`` takes ``P + 1`` values and ``I`` is no longer kept: the history is finite whatever
the number of steps.

Why ``unseen``'s freshness bit is exact.  ``unseen`` reads ``cons`` and ``G`` only in
``owed := cons < G``; both start at 0, ``G`` only grows by 1 and ``cons`` only becomes
``max(cons, G)``.  So ``fresh = [cons < G]`` is kept by ``fresh := 1`` on an error
(``G + 1 > cons``) and ``fresh := 0`` on a consuming cursor (``max(cons, G) >= G``), and
``owed`` reads the same value; ``G`` then leaves ``unseen``'s cone of influence.
(``lost``/``double``'s ghosts are still absolute: not finite yet with looping actors.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from model.expr import FALSE, TRUE, ZERO, E, Expr, Var
from model.ir import GHOST, Event, Step, VarDecl, World
from specs.explain import (
    Violation,
    explain_backward,
    explain_deadlock,
    explain_double,
    explain_lost,
    explain_unseen,
    explain_wrap,
)

VIOLATION = "violation"
#: the finite ghost state in every world, bounded or not (tests compare it with the absolute)
FINITE_EVERYWHERE = False


@dataclass(frozen=True)
class Monitor:
    """Instruments a world for one monitored property (``lost``, ``double``, ``unseen``,
    ``backward``).  ``finite``: use the finite ghost state (``backward``'s saturated ages,
    ``unseen``'s freshness bits) even in a bounded world; it always is when
    ``world.params["looping"]`` is set, or :data:`FINITE_EVERYWHERE` (for the tests)."""

    prop: str
    finite: bool = False

    def instrument(self, world: World) -> World:
        """The world with this property's ghost variables and, on every step, the ghost
        updates and an event ``violation`` (``property``, ``when``)."""
        finite = self.finite or FINITE_EVERYWHERE or bool(world.params.get("looping"))
        if self.prop == "backward":
            if finite:
                return world.with_ghosts(_backward_ghosts(world),
                                         lambda st: _instrument_backward(world, st))
            return world.with_ghosts(_backward_ghosts_absolute(world),
                                     lambda st: _instrument_backward_absolute(world, st))
        if self.prop in ("lost", "double", "unseen"):
            ghosts = _accounting_ghosts(world, unseen=self.prop == "unseen", finite=finite)
            return world.with_ghosts(
                ghosts, lambda st: _instrument_accounting(world, st, self.prop, ghosts, finite))
        raise ValueError(f"no monitor for property {self.prop!r}")


@dataclass(frozen=True)
class Property:
    """One promise of the contract (DESIGN §4), as every engine and renderer needs it.

    ``monitor``: the monitor that instruments the world (None: the world is searched as it
    is); ``on_states``: violated by a reachable *state* (every unfinished actor blocked)
    rather than by a step whose violation condition holds; ``needs_twin``: decided on the
    product with a wide-counter twin (a lost error the twin does not lose); ``explain``:
    the sentence naming the broken promise at the violating step (``specs.explain``).
    """

    name: str
    doc: str
    monitor: str | None
    explain: Callable[[Violation], str]
    on_states: bool = False
    needs_twin: bool = False
    #: decided on fair cycles of the state graph (``checks.liveness``), not by a search for
    #: a bad step or state; opt-in: not in :data:`DEFAULT_PROPERTIES`
    liveness: bool = False

    def instrument(self, world: World) -> World:
        """``world`` with this property's ghost state and violation conditions."""
        return world if self.monitor is None else Monitor(self.monitor).instrument(world)


PROPERTIES: dict[str, Property] = {p.name: p for p in (
    Property("lost", "a syncfs returns 0 though an error completed after open and before "
             "the call", "lost", explain_lost),
    Property("double", "a syncfs returns an error though nothing new could have been "
             "reported", "double", explain_double),
    Property("unseen", "a file opened after an error nobody on its layer consumed never "
             "reports it", "unseen", explain_unseen),
    Property("backward", "O.s_wb_err is re-armed (SEEN cleared) or put back to an older "
             "value", "backward", explain_backward),
    Property("wrap", "an error lost only because the errseq counter wrapped to the same "
             "value", "lost", explain_wrap, needs_twin=True),
    Property("deadlock", "unfinished actors are all blocked", None, explain_deadlock,
             on_states=True),
    Property("progress", "every syncfs call returns on every weakly fair run (opt-in)", None,
             lambda v: "a syncfs call never returns", liveness=True),
)}

#: what ``check``, ``compare`` and ``sweep`` decide when no property is named
DEFAULT_PROPERTIES: tuple[str, ...] = tuple(p for p, s in PROPERTIES.items() if not s.liveness)


def violation_of(step: Step) -> Expr:
    """The condition under which ``step`` violates the monitored property (FALSE if none)."""
    cond: Expr = FALSE
    for ev in step.events:
        if ev.kind == VIOLATION:
            cond = E.lor(cond, ev.arg("when"))
    return cond


# --------------------------------------------------------------------------------------------
# lost / double / unseen: the accounting of reported generations


def _g(*parts: str) -> str:
    return "g." + ".".join(parts)


def _accounting_ghosts(world: World, unseen: bool, finite: bool = False
                       ) -> tuple[VarDecl, ...]:
    out = [
        VarDecl(_g("G"), GHOST, "completed writeback errors on U"),
    ]
    for layer in ("U",) + tuple(world.overlays):
        out.append(VarDecl(_g(layer, "R"), GHOST,
                           f"greatest error generation reported to some file on {layer}"))
    for f in world.files:
        out += [VarDecl(_g(f.name, "lo"), GHOST, f"lowest generation {f.name} may have seen"),
                VarDecl(_g(f.name, "hi"), GHOST, f"highest generation {f.name} may have seen")]
        if unseen:
            out += [VarDecl(_g(f.name, "owed"), GHOST, f"{f.name} opened with an error owed"),
                    VarDecl(_g(f.name, "first"), GHOST, f"{f.name} made its first report")]
    for a in world.actors:
        if a.role in ("overlay-syncer", "upper-syncer"):
            out += [VarDecl(_g(a.name, k), GHOST, f"{a.name}'s current syncfs: {k}")
                    for k in ("Gs", "Ge", "lo", "hi", "acc")]
            if unseen:
                out.append(VarDecl(_g(a.name, "first"), GHOST,
                                   f"{a.name}'s current call made its file's first report"))
    if unseen:
        for layer in ("U",) + tuple(world.overlays):
            if finite:
                out.append(VarDecl(_g(layer, "fresh"), GHOST,
                                   f"1 if an error completed since a cursor on {layer} last "
                                   f"consumed one (g.{layer}.cons < g.G)", bits=1))
            else:
                out.append(VarDecl(_g(layer, "cons"), GHOST,
                                   f"greatest generation consumed by a cursor on {layer}"))
    return tuple(out)


def _instrument_accounting(world: World, step: Step, prop: str,
                           ghosts: tuple[VarDecl, ...], finite: bool = False) -> Step:
    names = {g.name for g in ghosts}
    cur: dict[str, Expr] = {n: Var(n) for n in names}
    bad: Expr = FALSE

    def get(name: str) -> Expr:
        return cur[name]

    def put(name: str, when: Expr, value: Expr) -> None:
        cur[name] = E.ite(when, value, cur[name]) if when != TRUE else value

    for ev in step.events:
        when = dict(ev.args).get("when", TRUE)
        if ev.kind == "error_done":
            put(_g("G"), when, E.add(get(_g("G")), E.const(1)))
            if prop == "unseen" and finite:
                for layer in ("U",) + tuple(world.overlays):
                    put(_g(layer, "fresh"), when, E.const(1))
        elif ev.kind == "open":
            f, layer = ev.arg("file"), ev.arg("layer")
            put(_g(f, "lo"), when, get(_g(layer, "R")))
            put(_g(f, "hi"), when, get(_g("G")))
            if prop == "unseen":
                owed = (get(_g(layer, "fresh")) if finite
                        else E.lt(get(_g(layer, "cons")), get(_g("G"))))
                put(_g(f, "owed"), when, owed)
                put(_g(f, "first"), when, ZERO)
        elif ev.kind == "sync_begin":
            put(_g(ev.arg("actor"), "Gs"), when, get(_g("G")))
        elif ev.kind == "cursor":
            f, a, layer, r = ev.arg("file"), ev.arg("actor"), ev.arg("layer"), ev.arg("ret")
            err = E.ne(r, ZERO)
            lo, hi, G = get(_g(f, "lo")), get(_g(f, "hi")), get(_g("G"))
            put(_g(a, "Ge"), when, G)
            put(_g(a, "lo"), when, lo)
            put(_g(a, "hi"), when, hi)
            put(_g(a, "acc"), when, err)
            new_lo = E.max(E.add(lo, E.const(1)), get(_g(a, "Gs")))
            put(_g(f, "lo"), E.land(when, err), new_lo)
            put(_g(f, "hi"), E.land(when, err), G)
            put(_g(layer, "R"), E.land(when, err), E.max(get(_g(layer, "R")), new_lo))
            if prop == "unseen":
                put(_g(a, "first"), when, E.eq(get(_g(f, "first")), ZERO))
                put(_g(f, "first"), when, E.const(1))
                if finite:
                    put(_g(layer, "fresh"), E.land(when, err), ZERO)
                else:
                    put(_g(layer, "cons"), E.land(when, err),
                        E.max(get(_g(layer, "cons")), G))
        elif ev.kind == "sync_return":
            f, a, r = ev.arg("file"), ev.arg("actor"), ev.arg("ret")
            layer = ev.arg("layer")
            ok, err = E.eq(r, ZERO), E.ne(r, ZERO)
            Gs, Ge = get(_g(a, "Gs")), get(_g(a, "Ge"))
            if prop == "lost":
                bad = E.lor(bad, E.land(when, E.land(ok, E.lt(get(_g(a, "hi")), Gs))))
            elif prop == "double":
                bad = E.lor(bad, E.land(when, E.land(err, E.le(Ge, get(_g(a, "lo"))))))
            else:
                owed = E.land(get(_g(a, "first")), get(_g(f, "owed")))
                bad = E.lor(bad, E.land(when, E.land(ok, owed)))
            # An error carried only by ->sync_fs's return value is accounted here.
            late = E.land(when, E.land(err, E.eq(get(_g(a, "acc")), ZERO)))
            lo = get(_g(f, "lo"))
            new_lo = E.max(E.add(lo, E.const(1)), Gs)
            put(_g(f, "lo"), late, new_lo)
            put(_g(f, "hi"), late, Ge)
            put(_g(layer, "R"), late, E.max(get(_g(layer, "R")), new_lo))
            for k in ("Gs", "Ge", "lo", "hi", "acc") + (("first",) if prop == "unseen" else ()):
                put(_g(a, k), when, ZERO)
    return _with(step, cur, bad, prop)


def _with(step: Step, cur: Mapping[str, Expr], bad: Expr, prop: str) -> Step:
    assigns = dict(step.assigns)
    for name, e in cur.items():
        if e != Var(name):
            assigns[name] = e
    events = step.events
    if bad != FALSE:
        events = events + (Event(VIOLATION, (("property", prop), ("when", bad))),)
    return Step(step.actor, step.pc, step.name, step.guard, tuple(sorted(assigns.items())),
                step.goto, events, step.text)


# --------------------------------------------------------------------------------------------
# backward: O's history


def _history_slots(world: World, overlay: str) -> int:
    """Distinct keys O can leave: at most one per execution of a step that writes O (each
    such step runs at most once per call: errseq_set's cmpxchg swaps once), plus one."""
    writes = sum(1 for a in world.actors for st in a.steps if overlay in st.writes)
    return writes + 1


def _backward_ghosts(world: World) -> tuple[VarDecl, ...]:
    out: list[VarDecl] = []
    for o in world.overlays:
        for i in range(_history_slots(world, o)):
            out += [VarDecl(_g(o, f"h{i}"), GHOST, f"{o}: a (counter, errno) it left, +1",
                            bits=world.layout.width + 1),
                    VarDecl(_g(o, f"d{i}"), GHOST,
                            f"{o}: increments since it left h{i}, saturated at the period",
                            init=1 << world.layout.counter_bits,
                            bits=world.layout.counter_bits + 1)]
        out.append(VarDecl(_g(o, "overflow"), GHOST, f"{o}: history slots exhausted (bug)"))
    return tuple(out)


def _instrument_backward(world: World, step: Step) -> Step:
    """errseq_set's increments (``set_done`` with ``inc``) age every history slot; a write
    to O that clears SEEN on the same key, or leaves its key for one it left fewer than
    ``2**counter_bits`` increments ago, violates ``backward``.  Slot ages are kept
    saturated at the period (see the module docstring for why that is exact)."""
    L = world.layout
    cur: dict[str, Expr] = {}
    delta: Expr = ZERO
    for ev in step.events:
        if ev.kind == "set_done":
            when = dict(ev.args).get("when", TRUE)
            delta = E.add(delta, E.ite(E.land(when, ev.arg("inc")), E.const(1), ZERO))
    bad: Expr = FALSE
    period = E.const(1 << L.counter_bits)
    key_mask = E.const(L.word_mask & ~L.flags)
    writes = dict(step.assigns)
    for o in world.overlays:
        n = _history_slots(world, o)
        h = [Var(_g(o, f"h{i}")) for i in range(n)]
        d = [Var(_g(o, f"d{i}")) for i in range(n)]
        # the ages after this step's increments (saturated: only ``age < period`` is read)
        aged = [d[i] if delta == ZERO else E.min(E.add(d[i], delta), period)
                for i in range(n)]
        if o not in writes:
            for i in range(n):
                if aged[i] != d[i]:
                    cur[_g(o, f"d{i}")] = aged[i]
            continue
        old, new = Var(o), writes[o]
        changed = E.ne(new, old)
        k_old, k_new = E.band(old, key_mask), E.band(new, key_mask)
        same_key = E.eq(k_old, k_new)
        rearm = E.land(changed, E.land(same_key, E.land(L.has_seen(E, old),
                                                        E.lnot(L.has_seen(E, new)))))
        revert: Expr = FALSE
        for i in range(n):
            recent = E.lt(aged[i], period)
            revert = E.lor(revert, E.land(E.eq(h[i], E.add(k_new, E.const(1))), recent))
        leaves = E.land(changed, E.lnot(same_key))
        bad = E.lor(bad, E.lor(rearm, E.land(leaves, revert)))
        # Record the key O leaves: update its slot, or take the first empty one.
        tag = E.add(k_old, E.const(1))
        present: Expr = FALSE
        for i in range(n):
            present = E.lor(present, E.eq(h[i], tag))
        taken_before: Expr = FALSE
        for i in range(n):
            mine = E.eq(h[i], tag)
            empty_first = E.land(E.eq(h[i], ZERO), E.lnot(taken_before))
            use = E.land(leaves, E.lor(mine, E.land(E.lnot(present), empty_first)))
            cur[_g(o, f"h{i}")] = E.ite(use, tag, h[i])
            # counted from before this step: an increment that moves O off the key counts
            cur[_g(o, f"d{i}")] = E.ite(use, E.min(delta, period), aged[i]) if delta != ZERO \
                else E.ite(use, ZERO, d[i])
            taken_before = E.lor(taken_before, E.eq(h[i], ZERO))
        full = E.land(leaves, E.land(E.lnot(present), E.lnot(taken_before)))
        cur[_g(o, "overflow")] = E.lor(Var(_g(o, "overflow")), full)
    return _with(step, cur, bad, "backward")


# The absolute history (a global count and the count at which each key was left), used in
# bounded worlds: there the count is bounded by the scope, and the ages of the finite history
# are written by every actor that increments, which keeps the dead-value reset
# (``specs.deadreset``, owned variables only) from clearing them: about 1% more states.


def _backward_ghosts_absolute(world: World) -> tuple[VarDecl, ...]:
    out = [VarDecl(_g("incs"), GHOST, "counter increments by errseq_set on U and O")]
    for o in world.overlays:
        for i in range(_history_slots(world, o)):
            out += [VarDecl(_g(o, f"h{i}"), GHOST, f"{o}: a (counter, errno) it left, +1",
                            bits=world.layout.width + 1),
                    VarDecl(_g(o, f"t{i}"), GHOST, f"{o}: increments when it left h{i}")]
        out.append(VarDecl(_g(o, "overflow"), GHOST, f"{o}: history slots exhausted (bug)"))
    return tuple(out)


def _instrument_backward_absolute(world: World, step: Step) -> Step:
    L = world.layout
    cur: dict[str, Expr] = {}
    incs: Expr = Var(_g("incs"))
    for ev in step.events:
        if ev.kind == "set_done":
            when = dict(ev.args).get("when", TRUE)
            incs = E.add(incs, E.ite(E.land(when, ev.arg("inc")), E.const(1), ZERO))
    if incs != Var(_g("incs")):
        cur[_g("incs")] = incs
    bad: Expr = FALSE
    period = E.const(1 << L.counter_bits)
    key_mask = E.const(L.word_mask & ~L.flags)
    writes = dict(step.assigns)
    for o in world.overlays:
        if o not in writes:
            continue
        old, new = Var(o), writes[o]
        changed = E.ne(new, old)
        k_old, k_new = E.band(old, key_mask), E.band(new, key_mask)
        same_key = E.eq(k_old, k_new)
        rearm = E.land(changed, E.land(same_key, E.land(L.has_seen(E, old),
                                                        E.lnot(L.has_seen(E, new)))))
        n = _history_slots(world, o)
        h = [Var(_g(o, f"h{i}")) for i in range(n)]
        t = [Var(_g(o, f"t{i}")) for i in range(n)]
        revert: Expr = FALSE
        for i in range(n):
            recent = E.lt(E.sub(incs, t[i]), period)
            revert = E.lor(revert, E.land(E.eq(h[i], E.add(k_new, E.const(1))), recent))
        leaves = E.land(changed, E.lnot(same_key))
        bad = E.lor(bad, E.lor(rearm, E.land(leaves, revert)))
        # Record the key O leaves: update its slot, or take the first empty one.
        tag = E.add(k_old, E.const(1))
        present: Expr = FALSE
        for i in range(n):
            present = E.lor(present, E.eq(h[i], tag))
        taken_before: Expr = FALSE
        for i in range(n):
            mine = E.eq(h[i], tag)
            empty_first = E.land(E.eq(h[i], ZERO), E.lnot(taken_before))
            use = E.land(leaves, E.lor(mine, E.land(E.lnot(present), empty_first)))
            cur[_g(o, f"h{i}")] = E.ite(use, tag, h[i])
            # the count before this step: an increment that moves O off the key counts
            cur[_g(o, f"t{i}")] = E.ite(use, Var(_g("incs")), t[i])
            taken_before = E.lor(taken_before, E.eq(h[i], ZERO))
        full = E.land(leaves, E.land(E.lnot(present), E.lnot(taken_before)))
        cur[_g(o, "overflow")] = E.lor(Var(_g(o, "overflow")), full)
    return _with(step, cur, bad, "backward")
