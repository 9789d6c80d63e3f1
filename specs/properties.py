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
``g.O.hN/tN``      history of O (``backward``, bounded worlds): a (counter, errno) key O
                   left (+1; 0: empty slot), and ``g.incs`` (the counter increments
                   errseq_set made on U and O so far) when it left it
``g.O.hN/dN``      finite: as ``hN``, with the increments since O left it, saturated at
                   ``2**counter_bits``
``g.O.ageK``       looping worlds: per key K O can hold, the same age
``g.[x<y]``        finite ``lost``: the order bits between its generation registers
``g.X.lagR/laglo/lagGs``, ``g.A.nothing``: finite ``double`` (lags behind ``G``, saturated)

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

The finite ghost state, used when some actor loops (``--syncs inf``...; the absolute one
would grow for ever): ``backward`` keeps one saturated age per key, ``unseen`` a freshness
bit per layer, ``lost`` order bits (exact; :func:`_lost_finite`), ``double`` saturated lags
(an over-approximation whose violations are confirmed on the absolute monitor, refining the
lag when they are not; :func:`_double_finite`).

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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from model.errseq import ErrseqLayout
from model.expr import FALSE, TRUE, ZERO, E, Expr, Op, Var, variables
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
    ``backward``).  ``finite``: the finite ghost state (module docstring) or the absolute
    one; by default the finite one when ``world.params["looping"]`` is set, or
    :data:`FINITE_EVERYWHERE` (for the tests)."""

    prop: str
    #: None: the finite ghost state in looping worlds (or with FINITE_EVERYWHERE); False:
    #: the absolute one (what counterexamples replay against: ``double``'s finite state
    #: over-approximates); True: the finite one
    finite: bool | None = None
    #: ``double``'s finite ghost state: how many generations behind ``G`` it tells apart
    lag: int = 2

    def instrument(self, world: World) -> World:
        """The world with this property's ghost variables and, on every step, the ghost
        updates and an event ``violation`` (``property``, ``when``)."""
        looping = bool(world.params.get("looping"))
        finite = self.finite if self.finite is not None else FINITE_EVERYWHERE or looping
        if self.prop == "backward":
            if looping or (finite and FINITE_EVERYWHERE
                           and len(_backward_keys(world)) <= MAX_KEYS):
                # steps repeat, so writes do not bound the keys O leaves: one age per key
                # (forced finite, the tests compare it on every small-counter row too)
                return world.with_ghosts(_backward_keyed_ghosts(world),
                                         lambda st: _instrument_backward_keyed(world, st))
            if finite:
                return world.with_ghosts(_backward_ghosts(world),
                                         lambda st: _instrument_backward(world, st))
            return world.with_ghosts(_backward_ghosts_absolute(world),
                                     lambda st: _instrument_backward_absolute(world, st))
        if self.prop == "lost" and finite:
            return _lost_finite(world, _accounting_ghosts(world, unseen=False))
        if self.prop == "double" and finite:
            return _double_finite(world, self.lag)
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

    def instrument(self, world: World, exact: bool = False, lag: int = 2) -> World:
        """``world`` with this property's ghost state and violation conditions; ``exact``:
        the absolute ghost state wherever the finite one only over-approximates (what a
        counterexample found on the finite one is replayed against)."""
        if self.monitor is None:
            return world
        return Monitor(self.monitor, finite=False if exact else None, lag=lag).instrument(world)


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
    cur, bad = _accounting_updates(world, step, prop, ghosts, finite)
    return _with(step, cur, bad, prop)


def _accounting_updates(world: World, step: Step, prop: str, ghosts: tuple[VarDecl, ...],
                        finite: bool = False) -> tuple[dict[str, Expr], Expr]:
    """The absolute accounting of ``step``: each ghost's value after it (an expression over
    the state before it) and the condition under which it violates ``prop``."""
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
    return cur, bad


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
# lost, finite: the order among the generation registers, as bits


def _lost_registers(world: World) -> tuple[str, ...]:
    """The ghosts in ``lost``'s cone: ``G``, each file's ``hi``, each call's ``Gs``, ``Ge``,
    ``hi`` (``lo``, ``R`` and ``acc`` never reach ``hi < Gs``)."""
    regs = [_g("G")] + [_g(f.name, "hi") for f in world.files]
    for a in world.actors:
        if a.role in ("overlay-syncer", "upper-syncer"):
            regs += [_g(a.name, k) for k in ("Gs", "Ge", "hi")]
    return tuple(regs)


_ZERO_REG, _NEXT_G = "0", "G+1"


def _order_bit(x: str, y: str) -> str:
    """The ghost bit holding ``[x < y]`` (``0`` standing for the constant 0)."""
    return f"g.[{x.removeprefix('g.')}<{y.removeprefix('g.')}]"


class _Order:
    """``[a < b]`` for register expressions ``a``, ``b`` (registers, the constant 0, ``G+1``
    and ``ite`` of those), written over the order bits of the state before the step."""

    def __init__(self, regs: tuple[str, ...]):
        self.regs = set(regs)
        self.used: set[tuple[str, str]] = set()

    def leaf(self, e: Expr) -> str:
        if e == ZERO:
            return _ZERO_REG
        if isinstance(e, Var) and e.name in self.regs:
            return e.name
        if isinstance(e, Op) and e.op == "add" and e.args == (Var(_g("G")), E.const(1)):
            return _NEXT_G
        raise ValueError(f"lost's finite ghost state cannot order {e!r}")

    def lt(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, Op) and a.op == "ite":
            return E.ite(a.args[0], self.lt(a.args[1], b), self.lt(a.args[2], b))
        if isinstance(b, Op) and b.op == "ite":
            return E.ite(b.args[0], self.lt(a, b.args[1]), self.lt(a, b.args[2]))
        x, y = self.leaf(a), self.leaf(b)
        if x in (y, _NEXT_G, _g("G")) or y == _ZERO_REG:
            return FALSE  # nothing is below 0; every register is at most G < G+1
        if y == _NEXT_G:
            return TRUE
        self.used.add((x, y))
        return Var(_order_bit(x, y))


def _lost_finite(world: World, ghosts: tuple[VarDecl, ...]) -> World:
    """``lost`` with its registers replaced by the order bits its test needs.

    Why this is exact.  Every register (``G``, ``FILE.hi``, ``ACTOR.Gs/Ge/hi``) is 0 or a
    copy of a value ``G`` had, so all are ``<= G``; a step writes each as a copy of a
    register, the constant 0, or ``G + 1`` (the new ``G``), chosen by conditions on the
    concrete state; the one test is ``ACTOR.hi < ACTOR.Gs``.  Then ``[a' < b']`` after a
    step is a function of ``[x < y]`` before it (:class:`_Order`: an ``ite`` over the
    choices, with ``[x < G+1]`` true and ``[G+1 < x]``, ``[x < 0]``, ``[G < x]`` false).
    Keeping ``[x < y]`` for the pairs the test needs, closed under that dependency, gives
    every test the value the absolute registers give, on every path: same violations at
    the same steps.  The bits are finite whatever the number of errors and calls."""
    regs = _lost_registers(world)
    order = _Order(regs)
    steps: dict[tuple[str, int], tuple[dict[str, Expr], Expr]] = {}
    updates: dict[tuple[str, int], dict[str, Expr]] = {}
    for a in world.actors:
        for st in a.steps:
            cur, bad = _accounting_updates(world, st, "lost", ghosts)
            steps[(a.name, st.pc)] = ({r: cur[r] for r in regs}, bad)
            updates[(a.name, st.pc)] = cur
    # the bits the tests read, closed under "a bit's next value reads these bits"
    done: set[tuple[str, str]] = set()
    bits: dict[tuple[str, int], dict[str, Expr]] = {k: {} for k in steps}
    viol: dict[tuple[str, int], Expr] = {}
    for k, (_, bad) in steps.items():
        viol[k] = _relabel_lt(bad, order, {r: Var(r) for r in regs})
    while order.used - done:
        x, y = sorted(order.used - done)[0]
        done.add((x, y))
        for k, (cur, _) in steps.items():
            nxt = order.lt(cur[x] if x != _ZERO_REG else ZERO, cur[y])
            if nxt != Var(_order_bit(x, y)):
                bits[k][_order_bit(x, y)] = nxt
    # the other ghosts those conditions read (a call's ``acc``: whether an error carried
    # only by ->sync_fs's return is accounted at the return), kept as they are
    by_name = {g.name: g for g in ghosts}
    kept: dict[str, VarDecl] = {}
    work = [e for b in bits.values() for e in b.values()] + list(viol.values())
    while work:
        for name in variables(work.pop()):
            if name in by_name and name not in kept:
                if name in regs:
                    raise ValueError(f"lost's finite ghost state reads register {name}")
                kept[name] = by_name[name]
                work += [u[name] for u in updates.values()]
    for k in bits:
        bits[k].update({n: updates[k][n] for n in kept if updates[k][n] != Var(n)})
    decls = tuple(VarDecl(_order_bit(x, y), GHOST, f"lost: 1 if {x} < {y}", bits=1)
                  for x, y in sorted(done)) + tuple(kept.values())

    def instrument(st: Step) -> Step:
        k = (st.actor, st.pc)
        return _with(st, {**{d.name: Var(d.name) for d in decls}, **bits[k]}, viol[k], "lost")

    return world.with_ghosts(decls, instrument)


def _relabel_lt(e: Expr, order: _Order, regs: Mapping[str, Expr]) -> Expr:
    """``e`` with each comparison ``a < b`` between registers replaced by its order bit."""
    if isinstance(e, Op):
        if e.op == "lt" and all(_is_register(x, regs) for x in e.args):
            return order.lt(e.args[0], e.args[1])
        return Op(e.op, tuple(_relabel_lt(x, order, regs) for x in e.args), e.k)
    return e


def _is_register(e: Expr, regs: Mapping[str, Expr]) -> bool:
    if isinstance(e, Op) and e.op == "ite":
        return _is_register(e.args[1], regs) and _is_register(e.args[2], regs)
    return e == ZERO or (isinstance(e, Var) and e.name in regs)


# --------------------------------------------------------------------------------------------
# double, finite: lags behind G, saturated (an over-approximation; violations are confirmed)

#: how far behind ``G`` ``double``'s finite ghost state tells generations apart, tried in
#: turn: a violation the exact monitor refutes is searched again with the next lag
DOUBLE_LAGS = (2, 4, 8)
DOUBLE_LAG = DOUBLE_LAGS[0]
#: the largest lag value kept (past it: an ``overflow`` that is reported as a violation,
#: which the exact replay then refutes, so the check says ``unknown``)
_DOUBLE_TOP = 63


def _double_finite(world: World, lag: int = DOUBLE_LAG) -> World:
    """``double`` with ``lo``, ``R`` and ``Gs`` kept as ``value - G + DOUBLE_LAG``,
    saturated at 0, and ``Ge <= lo`` (both taken at the report) as one bit per call.

    Why it is sound.  The operations on the lags are ``G := G + 1`` (every lag - 1),
    copies, ``max`` and ``+ 1``; all are monotone, so by induction on the path the
    saturated lag is ``>=`` the exact one, and ``[lag(lo) >= DOUBLE_LAG]`` (``G <= lo``)
    holds whenever it does exactly: every exact violation is a violation here, at the same
    step.  So ``holds`` here means ``holds``; a violation found here is replayed against
    the exact (absolute) monitor before it is shown, and one the exact monitor does not
    confirm makes the check ``unknown`` (``checks.runner``), never a wrong answer.  The
    lags only lose precision when a value ``DOUBLE_LAG`` or more generations behind ``G`` is
    incremented without being overtaken by a call's start."""
    K, top = E.const(lag), E.const(_DOUBLE_TOP)
    layers = ("U",) + tuple(world.overlays)
    decls: list[VarDecl] = [VarDecl(_g(layer, "lagR"), GHOST, f"double: R of {layer} - G + "
                                    f"{lag}, saturated", init=lag, bits=6)
                            for layer in layers]
    decls += [VarDecl(_g(f.name, "laglo"), GHOST, f"double: lo of {f.name} - G + {lag},"
                      " saturated", init=lag, bits=6) for f in world.files]
    syncers = [a for a in world.actors if a.role in ("overlay-syncer", "upper-syncer")]
    for a in syncers:
        decls += [VarDecl(_g(a.name, "lagGs"), GHOST, f"double: {a.name}'s Gs - G + "
                          f"{lag}, saturated", bits=6),
                  VarDecl(_g(a.name, "nothing"), GHOST, f"double: 1 unless G > lo at "
                          f"{a.name}'s report (Ge <= lo)", init=1, bits=1),
                  VarDecl(_g(a.name, "acc"), GHOST, f"{a.name}'s call accounted an error",
                          bits=1)]
    decls.append(VarDecl(_g("laglost"), GHOST, "double: a lag outgrew its slot", bits=1))
    names = [d.name for d in decls]
    # R is read only by an open on its layer: once every file there is open, it is dead
    opens: dict[str, list[tuple[str, int]]] = {layer: [] for layer in layers}
    for a in world.actors:
        for st in a.steps:
            for ev in st.events:
                if ev.kind == "open":
                    opens[ev.arg("layer")].append((a.name, st.pc))

    def all_open(layer: str, step: Step) -> Expr:
        """Every file on ``layer`` is open once ``step`` (a step by its actor) has run."""
        done: Expr = TRUE
        for actor, pc in opens[layer]:
            if (actor, pc) != (step.actor, step.pc):
                done = E.land(done, E.lt(E.const(pc), Var(f"{actor}.pc")))
        return done

    def instrument(step: Step) -> Step:
        cur: dict[str, Expr] = {n: Var(n) for n in names}
        bad: Expr = FALSE

        def put(name: str, when: Expr, value: Expr) -> None:
            cur[name] = E.ite(when, value, cur[name]) if when != TRUE else value

        def report(when: Expr, f: str, layer: str, a: str) -> None:
            nl = E.max(E.add(cur[_g(f, "laglo")], E.const(1)), cur[_g(a, "lagGs")])
            put(_g("laglost"), when, E.lor(cur[_g("laglost")], E.lt(top, nl)))
            nl = E.min(nl, top)
            put(_g(f, "laglo"), when, nl)
            put(_g(layer, "lagR"), when, E.max(cur[_g(layer, "lagR")], nl))

        for ev in step.events:
            when = dict(ev.args).get("when", TRUE)
            if ev.kind == "error_done":
                for n in names:
                    if n.rsplit(".", 1)[1] in ("lagR", "laglo", "lagGs"):
                        put(n, when, E.ite(E.eq(cur[n], ZERO), ZERO, E.sub(cur[n], E.const(1))))
            elif ev.kind == "open":
                put(_g(ev.arg("file"), "laglo"), when, cur[_g(ev.arg("layer"), "lagR")])
            elif ev.kind == "sync_begin":
                put(_g(ev.arg("actor"), "lagGs"), when, K)
            elif ev.kind == "cursor":
                f, a, layer, r = ev.arg("file"), ev.arg("actor"), ev.arg("layer"), ev.arg("ret")
                err = E.ne(r, ZERO)
                put(_g(a, "nothing"), when, E.le(K, cur[_g(f, "laglo")]))
                put(_g(a, "acc"), when, err)
                report(E.land(when, err), f, layer, a)
            elif ev.kind == "sync_return":
                f, a, r, layer = ev.arg("file"), ev.arg("actor"), ev.arg("ret"), ev.arg("layer")
                err = E.ne(r, ZERO)
                bad = E.lor(bad, E.land(when, E.land(err, cur[_g(a, "nothing")])))
                report(E.land(when, E.land(err, E.eq(cur[_g(a, "acc")], ZERO))), f, layer, a)
                put(_g(a, "nothing"), when, E.const(1))
                put(_g(a, "acc"), when, ZERO)
                put(_g(a, "lagGs"), when, ZERO)
        bad = E.lor(bad, E.land(E.lnot(Var(_g("laglost"))), cur[_g("laglost")]))
        for layer in layers:
            r = _g(layer, "lagR")
            if cur[r] != Var(r) or any(ev.kind == "open" and ev.arg("layer") == layer
                                       for ev in step.events):
                cur[r] = E.ite(all_open(layer, step), K, cur[r])
        return _with(step, cur, bad, "double")

    return world.with_ghosts(tuple(decls), instrument)


# --------------------------------------------------------------------------------------------
# backward: O's history


def _increments(step: Step) -> Expr:
    """How many counter increments ``step``'s errseq_set calls make (``set_done`` with
    ``inc``), as an expression over the state before it."""
    delta: Expr = ZERO
    for ev in step.events:
        if ev.kind == "set_done":
            when = dict(ev.args).get("when", TRUE)
            delta = E.add(delta, E.ite(E.land(when, ev.arg("inc")), E.const(1), ZERO))
    return delta


def _write_to_o(L: ErrseqLayout, old: Expr, new: Expr) -> tuple[Expr, Expr, Expr, Expr]:
    """A write of ``new`` over ``old`` to O: the (counter, errno) keys it leaves and takes,
    whether it re-arms (clears SEEN on the same key) and whether it leaves its key."""
    key_mask = E.const(L.word_mask & ~L.flags)
    changed = E.ne(new, old)
    k_old, k_new = E.band(old, key_mask), E.band(new, key_mask)
    same_key = E.eq(k_old, k_new)
    rearm = E.land(changed, E.land(same_key, E.land(L.has_seen(E, old),
                                                    E.lnot(L.has_seen(E, new)))))
    return k_old, k_new, rearm, E.land(changed, E.lnot(same_key))


def _history_slots(world: World, overlay: str) -> int:
    """Distinct keys O can leave: at most one per execution of a step that writes O (each
    such step runs at most once per call: errseq_set's cmpxchg swaps once), plus one."""
    writes = sum(1 for a in world.actors for st in a.steps if overlay in st.writes)
    return writes + 1


def overflowed(world: World, schedule: tuple[str, ...]) -> str | None:
    """The ``backward`` ghost that ran out of room on ``schedule``'s last step (its history
    slots, or its table of keys), or None.  The monitor flags that step as a violation, so
    a history too small can never end in a silent ``holds``; the runner reports such a
    "violation" as ``unknown`` (a limit of the monitor, not a verdict on the scheme)."""
    from model.ir import execute

    env = dict(zip(world.names, world.initial_state(), strict=True))
    before = env
    for name in schedule:
        a = world.actor(name)
        before, env = env, execute(a.steps[env[a.pc_var]], env)
    for o in world.overlays:
        flag = _g(o, "overflow")
        if flag in env and env[flag] and not before[flag]:
            return flag
    return None


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
    delta = _increments(step)
    bad: Expr = FALSE
    period = E.const(1 << L.counter_bits)
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
        k_old, k_new, rearm, leaves = _write_to_o(L, Var(o), writes[o])
        revert: Expr = FALSE
        for i in range(n):
            recent = E.lt(aged[i], period)
            revert = E.lor(revert, E.land(E.eq(h[i], E.add(k_new, E.const(1))), recent))
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
        bad = E.lor(bad, full)  # never a silent holds: see overflowed()
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
    writes = dict(step.assigns)
    for o in world.overlays:
        if o not in writes:
            continue
        k_old, k_new, rearm, leaves = _write_to_o(L, Var(o), writes[o])
        n = _history_slots(world, o)
        h = [Var(_g(o, f"h{i}")) for i in range(n)]
        t = [Var(_g(o, f"t{i}")) for i in range(n)]
        revert: Expr = FALSE
        for i in range(n):
            recent = E.lt(E.sub(incs, t[i]), period)
            revert = E.lor(revert, E.land(E.eq(h[i], E.add(k_new, E.const(1))), recent))
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
        bad = E.lor(bad, full)  # never a silent holds: see overflowed()
    return _with(step, cur, bad, "backward")


# backward with looping actors: one age per (counter, errno) key O can hold


def _backward_keys(world: World) -> list[int]:
    """Every (counter, errno) key O can hold: the word 0, and each counter with each errno
    of the world or of U at mount (errseq_set stores only those; check_and_advance only
    sets flags)."""
    L = world.layout
    found = {world.initial.get("U", 0) & L.errno_mask}  # --upper-at-mount: U's errno at mount
    if world.upper_any:
        from model.world import fresh_errno
        found.add(fresh_errno(world.errors))
    errnos = sorted((set(world.errors) | found) - {0})
    return [0] + [(c << L.ctr_shift) | e for c in range(1 << L.counter_bits) for e in errnos]


#: keys past which the per-key history of a looping world is refused (the counter is too
#: wide for a looping world to be explored anyway: use --counter-bits 2 or 3)
MAX_KEYS = 256


def _backward_keyed_ghosts(world: World) -> tuple[VarDecl, ...]:
    if len(_backward_keys(world)) > MAX_KEYS:
        raise ValueError(f"backward with looping actors keeps one age per (counter, errno) "
                         f"key: {len(_backward_keys(world))} keys at "
                         f"{world.layout.counter_bits} counter bits; use --counter-bits 4 or "
                         "less")
    out: list[VarDecl] = []
    P = 1 << world.layout.counter_bits
    for o in world.overlays:
        for key in _backward_keys(world):
            out.append(VarDecl(_g(o, f"age{key}"), GHOST,
                               f"{o}: increments since it left key {world.layout.format(key)}, "
                               "saturated at the period", init=P,
                               bits=world.layout.counter_bits + 1))
        out.append(VarDecl(_g(o, "overflow"), GHOST, f"{o}: left a key outside the table (bug)"))
    return tuple(out)


def _instrument_backward_keyed(world: World, step: Step) -> Step:
    """:func:`_instrument_backward` with a fixed table of ages, one per key, instead of
    slots filled in the order keys are left: in a looping world each step runs any number
    of times, so slots per write do not bound the keys left, while the keys are finitely
    many.  Exact by the same argument (the ages are ``min(I - t_key, P)``), and canonical:
    two histories that left the same keys at the same ages are one state."""
    L = world.layout
    cur: dict[str, Expr] = {}
    delta = _increments(step)
    bad: Expr = FALSE
    P = 1 << L.counter_bits
    period = E.const(P)
    writes = dict(step.assigns)
    keys = _backward_keys(world)
    for o in world.overlays:
        age = {k: Var(_g(o, f"age{k}")) for k in keys}
        aged = {k: age[k] if delta == ZERO else E.min(E.add(age[k], delta), period)
                for k in keys}
        if o not in writes:
            for k in keys:
                if aged[k] != age[k]:
                    cur[_g(o, f"age{k}")] = aged[k]
            continue
        k_old, k_new, rearm, leaves = _write_to_o(L, Var(o), writes[o])
        revert: Expr = FALSE
        known: Expr = FALSE
        for k in keys:
            revert = E.lor(revert, E.land(E.eq(k_new, E.const(k)), E.lt(aged[k], period)))
            known = E.lor(known, E.eq(k_old, E.const(k)))
            left = E.land(leaves, E.eq(k_old, E.const(k)))
            cur[_g(o, f"age{k}")] = E.ite(left, E.min(delta, period), aged[k])
        bad = E.lor(bad, E.lor(rearm, E.land(leaves, revert)))
        outside = E.land(leaves, E.lnot(known))
        cur[_g(o, "overflow")] = E.lor(Var(_g(o, "overflow")), outside)
        bad = E.lor(bad, outside)  # never a silent holds: see overflowed()
    return _with(step, cur, bad, "backward")
