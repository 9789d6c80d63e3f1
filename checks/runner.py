"""Run a check: resolve it, search, replay, report.

This is the one place that ties a resolved check (``specs.resolved``) to the engines; the
CLI, ``compare``, the benchmark and the tests call :func:`check_property` and :func:`check`.
With ``engine="both"`` every property is decided by the explicit engine and by the SMT
engine, and any disagreement in verdict or in shortest trace length raises
:class:`EngineDisagreement`.  Every result carries what was checked: the effective bounds,
``by_design`` and the replay key of its counterexample, taken from the resolved check.
"""

from __future__ import annotations

import dataclasses

from checks import explicit, native
from checks.replay import ReplayError, replay, replay_steps
from model.world import FOREVER, BoundsError, WorldParams
from specs.properties import DEFAULT_PROPERTIES, DOUBLE_LAGS, PROPERTIES, overflowed
from specs.resolved import TWIN_EXTRA_BITS, ResolvedCheck, effective, resolve
from specs.results import CheckResult, PropertyResult, Stats, Trace, TraceReport, Verdict
from specs.scenarios import CUSTOM

ENGINES = ("explicit", "smt", "both")
MINIMIZE = ("steps", "preemptions")

__all__ = ["ENGINES", "MINIMIZE", "TWIN_EXTRA_BITS", "Budget", "CheckInterrupted",
           "EngineDisagreement", "check", "check_property", "check_resolved", "concrete",
           "replay_trace",
           "trace_report"]


class EngineDisagreement(RuntimeError):
    """The two engines reached different verdicts or different shortest lengths: a bug."""


class CheckInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`check`: the properties ``finished`` so far, the property being
    searched (``prop``) and its figures so far (``stats``; None when the engine had none,
    e.g. the SMT engine or an interrupt outside the search)."""

    def __init__(self, finished: tuple[PropertyResult, ...], prop: str,
                 stats: Stats | None) -> None:
        super().__init__(f"interrupted while checking {prop}")
        self.finished, self.prop, self.stats = finished, prop, stats

    def summary(self) -> str:
        """One line: the property being searched, its figures so far, those finished."""
        from checks.progress import finished_text, stats_text

        now = f"{stats_text(self.stats)} so far" if self.stats is not None else "no figures"
        return f"{self.prop}: {now}; finished: {finished_text(self.finished)}"


@dataclasses.dataclass(frozen=True)
class Budget:
    """Limits for one property: states and memory (explicit), seconds (both), depth (SMT)."""

    max_states: int | None = None
    max_seconds: float | None = None
    max_depth: int = 200
    #: explicit engine: "steps" (any shortest counterexample, the plain BFS) or
    #: "preemptions" (among the shortest, one with the fewest context switches)
    minimize: str = "steps"
    symmetry: bool = True  # explicit: one representative per permutation of identical actors
    por: bool = False  # explicit: partial-order reduction (off: see README, it rarely pays)
    max_mib: float | None = None
    #: explicit: "auto" (native when a C compiler is present), "python" or "native"
    #: (``checks.native``; ``$SYNCFS_MC_BACKEND`` sets what "auto" means, for the tests)
    backend: str = "auto"
    #: explicit: search the world with dead values reset (``specs.deadreset``; off:
    #: ``--no-dead-reset``, to compare); verdicts and shortest lengths are the same
    dead_reset: bool = True

    @property
    def limits(self) -> explicit.Limits:
        return explicit.Limits(self.max_states, self.max_seconds, self.max_mib)


def _found(rc: ResolvedCheck, schedule: tuple[str, ...] | None) -> tuple[Trace, str]:
    """The counterexample replayed in the reference interpreter, and its replay key."""
    assert schedule is not None
    trace = replay(rc.replay_world, schedule, rc.prop, rc.twin)
    return trace, str(rc.key(schedule))


def _liveness(rc: ResolvedCheck, budget: Budget, engine: str) -> PropertyResult:
    """``progress`` (``checks.liveness``): on the explicit graph of the unreduced world,
    whatever the engine asked for (the SMT engine has no fair-cycle search), on the native
    back end (its Tarjan, ``checks.native.search.search_progress``) unless the Python one
    is asked for; a lasso is replayed by ``liveness.check_lasso`` before it is shown."""
    from checks import liveness

    backend, _ = native.resolve(budget.backend)
    limits, cap = budget.limits, native.PYTHON_FIRST_STATES
    first, spent = None, 0.0
    if backend != "native":  # python, or python-first: up to cap states, as _python_first
        small = (limits if backend == "python" or (limits.max_states or cap + 1) <= cap
                 else dataclasses.replace(limits, max_states=cap))
        first = liveness.search_progress(rc.world, small)
        spent = first[4].seconds
        if (small is not limits and first[0] is Verdict.UNKNOWN
                and first[3].startswith(f"state limit {cap} ")):
            first = None  # too big for Python: the native graph from the start
    if first is None:
        from checks.native.search import search_progress

        left = (None if limits.max_seconds is None
                else max(0.0, limits.max_seconds - spent))
        first = search_progress(rc.world, dataclasses.replace(limits, max_seconds=left))
    verdict, schedule, cycle, reason, stats = first
    if stats.seconds < spent:  # the native search followed the Python one: count both
        stats = dataclasses.replace(stats, seconds=stats.seconds + spent)
    if verdict is Verdict.VIOLATED:
        assert schedule is not None and cycle is not None
        trace = lasso_trace(rc, schedule, cycle)
        return PropertyResult(rc.prop, verdict, trace.reason, stats, trace, rc.by_design,
                              key=trace_report(rc, trace).key)
    proof = "exhaustive" if verdict is Verdict.HOLDS else None
    if engine != "explicit":
        reason += (f"; decided on the explicit state graph (the {engine} engine has no "
                   "fair-cycle search)")
    return PropertyResult(rc.prop, verdict, reason, stats, None, rc.by_design, proof=proof)


def lasso_trace(rc: ResolvedCheck, schedule: tuple[str, ...], cycle_start: int) -> Trace:
    """The lasso replayed in the reference interpreter (``liveness.check_lasso``), as a
    trace whose ``cycle_start`` marks where the cycle begins."""
    from checks import liveness

    who = liveness.check_lasso(rc.world, schedule, cycle_start)
    base = replay_steps(rc.world, schedule)
    n = len(schedule) - cycle_start
    what = (f"{who}'s syncfs never returns: nothing can move after step {cycle_start}"
            if n == 0 else f"{who}'s syncfs never returns: steps {cycle_start + 1}-"
            f"{len(schedule)} form a fair cycle that repeats for ever")
    return dataclasses.replace(base, reason=what, cycle_start=cycle_start)


def _explicit(rc: ResolvedCheck, budget: Budget,
              progress: explicit.ProgressFn | None = None) -> PropertyResult:
    world, twin_world = ((rc.search_world, rc.search_twin) if budget.dead_reset
                         else (rc.world, rc.twin))
    cw = explicit.compile_world(world)
    twin = explicit.compile_world(twin_world) if twin_world is not None else None
    backend, _ = native.resolve(budget.backend, budget.por, budget.minimize)
    if budget.minimize == "preemptions":
        out = explicit.search_fewest_switches(cw, rc.prop, budget.limits, twin, progress)
    elif backend == "native":
        out, _ = native.search(cw, rc.prop, budget.limits, twin, budget.symmetry, progress,
                               explicit.PROGRESS_INTERVAL)
    elif backend == "python-first":
        out = _python_first(cw, rc.prop, budget, twin, progress)
    else:
        out = explicit.search(cw, rc.prop, budget.limits, twin, budget.symmetry, progress,
                              por=budget.por)
    if out.verdict is Verdict.VIOLATED:
        unconfirmed = _unconfirmed(rc, out.schedule, out.stats)
        if unconfirmed is not None:
            finer = [k for k in DOUBLE_LAGS if k > rc.double_lag]
            if finer and rc.prop == "double":  # refine: more generations told apart
                return _explicit(dataclasses.replace(rc, double_lag=finer[0]), budget,
                                 progress)
            return unconfirmed
        trace, key = _found(rc, out.schedule)
        return PropertyResult(rc.prop, out.verdict, trace.reason, out.stats, trace,
                              rc.by_design, key=key)
    proof = "exhaustive" if out.verdict is Verdict.HOLDS else None
    return PropertyResult(rc.prop, out.verdict, holds_text(rc, out.reason), out.stats, None,
                          rc.by_design, proof=proof)


def holds_text(rc: ResolvedCheck, reason: str) -> str:
    """A looping world's ``holds`` says what it covers: any number of calls and errors."""
    if not rc.params.looping or not reason.startswith("no violation in "):
        return reason
    states = reason.removeprefix("no violation in ")
    what = []
    if rc.params.syncs == FOREVER or (rc.params.upper_syncers and
                                      rc.params.upper_syncs == FOREVER):
        what.append("syncfs calls")
    if rc.params.errors_forever:
        what.append("errors")
    return f"holds for any number of {' and '.join(what)} ({states})"


def _unconfirmed(rc: ResolvedCheck, schedule: tuple[str, ...] | None,
                 stats: Stats) -> PropertyResult | None:
    """``unknown`` when the search world's finite ghost state over-approximates
    (``double`` in a looping world) and the exact monitor does not confirm the violation
    it found; None when it does (or when the ghost state is exact).  Also ``unknown`` when
    the "violation" is ``backward``'s history running out of room
    (``specs.properties.overflowed``): a limit of the monitor, never a silent holds."""
    if schedule is not None and rc.prop == "backward":
        flag = overflowed(rc.world, schedule)
        if flag is not None:
            why = (f"the backward monitor ran out of room ({flag} set at step "
                   f"{len(schedule)}): its history cannot tell; a limit of the model")
            return PropertyResult(rc.prop, Verdict.UNKNOWN, why, stats, None, rc.by_design)
    if rc.replay_world is rc.world or schedule is None:
        return None
    try:
        replay(rc.replay_world, schedule, rc.prop, rc.twin)
    except ReplayError:
        why = (f"the finite ghost state of {rc.prop} found a {len(schedule)}-step violation "
               "that the exact monitor does not confirm (generations more than "
               f"{rc.double_lag} behind the newest are not told apart)")
        return PropertyResult(rc.prop, Verdict.UNKNOWN, why, stats, None, rc.by_design)
    return None


def _python_first(cw: explicit.CompiledWorld, prop: str, budget: Budget,
                  twin: explicit.CompiledWorld | None,
                  progress: explicit.ProgressFn | None) -> explicit.Outcome:
    """``--backend auto``: the Python search up to ``native.PYTHON_FIRST_STATES`` states;
    past that the native search from the start, with what is left of the time limit.  The
    outcome is the deciding search's (both give the same figures), its seconds the sum."""
    limits = budget.limits
    cap = native.PYTHON_FIRST_STATES
    if limits.max_states is not None and limits.max_states <= cap:
        return explicit.search(cw, prop, limits, twin, budget.symmetry, progress)
    first = explicit.search(cw, prop, dataclasses.replace(limits, max_states=cap), twin,
                            budget.symmetry, progress)
    if first.verdict is not Verdict.UNKNOWN or first.stats.states < cap:
        return first  # decided, or another limit (time, memory) was hit
    spent = first.stats.seconds
    rest = dataclasses.replace(limits, max_seconds=None if limits.max_seconds is None
                               else max(0.0, limits.max_seconds - spent))
    out, _ = native.search(cw, prop, rest, twin, budget.symmetry, progress,
                           explicit.PROGRESS_INTERVAL)
    return dataclasses.replace(out, stats=dataclasses.replace(
        out.stats, seconds=out.stats.seconds + spent,
        peak_mib=max(out.stats.peak_mib, first.stats.peak_mib)))


def _smt(rc: ResolvedCheck, budget: Budget,
         progress: explicit.ProgressFn | None = None) -> PropertyResult:
    from checks import smt  # z3 is loaded only when the SMT engine is asked for

    out = smt.bmc(rc.world, rc.prop, budget.max_depth, budget.max_seconds, rc.twin)
    if out.verdict is Verdict.VIOLATED:
        # the open values the solver picked make a concrete check, replayed like any other
        # (and asked whether the monitor ran out of room: from the same initial state)
        picked = concrete(rc, out.upper, out.errnos)
        unconfirmed = _unconfirmed(picked, out.schedule, out.stats)
        if unconfirmed is not None:
            return dataclasses.replace(unconfirmed, engine="smt", depth=out.depth)
        trace, key = _found(picked, out.schedule)
        return PropertyResult(rc.prop, out.verdict, trace.reason, out.stats, trace,
                              rc.by_design, engine="smt", depth=out.depth, key=key)
    return PropertyResult(rc.prop, out.verdict, out.reason, out.stats, None, rc.by_design,
                          engine="smt", proof=out.proof, depth=out.depth)


def _both(rc: ResolvedCheck, budget: Budget,
          progress: explicit.ProgressFn | None = None,
          e: PropertyResult | None = None) -> PropertyResult:
    """Both engines (``e``: the explicit result, when it is already known)."""
    if e is None:
        e = _explicit(rc, budget, progress)
    s = _smt(rc, budget)
    known = [r for r in (e, s) if r.verdict is not Verdict.UNKNOWN]
    if len(known) == 2 and (e.verdict, e.trace_length) != (s.verdict, s.trace_length):
        raise EngineDisagreement(
            f"engines disagree on {rc.prop} for {rc.scheme} --lock {rc.lock}: explicit says "
            f"{e.verdict.value}" + (f" in {e.trace_length} steps" if e.trace else "")
            + f", smt says {s.verdict.value}" + (f" in {s.trace_length} steps" if s.trace else ""))
    lead = known[0] if known else e
    return dataclasses.replace(lead, others=(e, s), engine="both")


def concrete(rc: ResolvedCheck, upper: int | None = None,
             errnos: tuple[int, ...] | None = None) -> ResolvedCheck:
    """``rc`` with U's word at mount fixed to ``upper`` and (``--errors any``) the errnos
    fixed to ``errnos``: the check a counterexample found with open values replays in, and
    whose replay key names them."""
    req, par = rc.requested, rc.params
    if upper is not None:
        req = dataclasses.replace(req, upper_at_mount=str(upper))
        par = dataclasses.replace(par, upper_at_mount=str(upper))
    if errnos is not None:
        req = dataclasses.replace(req, errors=errnos, errors_any=False)
        par = dataclasses.replace(par, errors=errnos, errors_any=False)
    return dataclasses.replace(rc, requested=req, params=par)


#: ``--upper-at-mount any`` on the explicit engines: the widest counter enumerated (32 words
#: of counter x SEEN per errno at 4 bits, one search each; the SMT engine takes any width)
MAX_ENUMERATED_COUNTER_BITS = 4


def _each_mount_word(rc: ResolvedCheck, budget: Budget, run, progress) -> PropertyResult:  # noqa: ANN001
    """``--upper-at-mount any`` on the explicit engines: one search from each initial state,
    the mount run on each word :func:`model.world.mount_words` enumerates (exact: see its
    docstring), and the shortest violation over all of them (the first word in increasing
    order among equally short ones).  The same as one search from every initial state at
    once, verdict and shortest length; the figures are the sums (states reached from two
    words are counted twice)."""
    from model.world import mount_words

    L = rc.world.layout
    if L.counter_bits > MAX_ENUMERATED_COUNTER_BITS:
        raise BoundsError(
            f"--upper-at-mount any on the explicit engine searches once per word U can hold: "
            f"{2 << L.counter_bits} counters x flags at a {L.counter_bits}-bit counter; use "
            f"--counter-bits {MAX_ENUMERATED_COUNTER_BITS} or less, or --engine smt")
    words = mount_words(L, rc.params.errors)
    best: PropertyResult | None = None
    unknown: PropertyResult | None = None
    cut = 0  # the first word whose search a limit cut
    states = transitions = depth = 0
    seconds = peak = 0.0
    for w in words:
        # the limits are for the whole check: each search gets what the others left
        left_s = None if budget.max_seconds is None else budget.max_seconds - seconds
        left_n = None if budget.max_states is None else budget.max_states - states
        if (left_s is not None and left_s <= 0) or (left_n is not None and left_n <= 0):
            r = PropertyResult(rc.prop, Verdict.UNKNOWN, "the limits were spent on the words "
                               "before it", Stats(0, 0, 0, 0.0, 0.0), None, rc.by_design)
        else:
            r = run(concrete(rc, w), dataclasses.replace(budget, max_seconds=left_s,
                                                         max_states=left_n), progress)
        states += r.stats.states
        transitions += r.stats.transitions
        depth = max(depth, r.stats.max_depth)
        seconds += r.stats.seconds
        peak = max(peak, r.stats.peak_mib)
        if r.verdict is Verdict.VIOLATED:
            if best is None or (r.trace_length or 0) < (best.trace_length or 0):
                best = r
        elif r.verdict is Verdict.UNKNOWN and unknown is None:
            unknown, cut = r, w
    stats = Stats(states, transitions, depth, seconds, peak)
    if best is not None:
        if unknown is not None:  # a shorter one may hide behind the limit: say so
            return dataclasses.replace(best, stats=stats, reason=best.reason + (
                f" (the shortest among the words searched to the end; from U = "
                f"{L.format(cut)} the search was cut: {unknown.reason})"))
        return dataclasses.replace(best, stats=stats)
    if unknown is not None:
        return dataclasses.replace(unknown, stats=stats,
                                   reason=f"from U = {L.format(cut)}: {unknown.reason}")
    return PropertyResult(rc.prop, Verdict.HOLDS, f"no violation from any of the {len(words)} "
                          f"words U can hold at mount ({states} states in all)", stats, None,
                          rc.by_design, proof="exhaustive")


def check_resolved(rc: ResolvedCheck, engine: str = "explicit", budget: Budget | None = None,
                   progress: explicit.ProgressFn | None = None) -> PropertyResult:
    """Decide one resolved check; a violation comes back replayed by the reference
    interpreter, with its replay key.  ``progress``: the explicit engine's progress callback
    (see :func:`explicit.search`).  ``--upper-at-mount any`` on the explicit engine: one
    search per word U can hold (:func:`_each_mount_word`); ``--errors any`` needs the SMT
    engine (:class:`model.world.BoundsError` otherwise)."""
    budget = budget or Budget()
    if rc.params.errors_any and (engine != "smt" or rc.spec.liveness):
        raise BoundsError("--errors any leaves each errno symbolic, which only the smt engine "
                          "can do (the explicit engine would enumerate 4095 errnos per error); "
                          "use --engine smt, or list the errors")
    if rc.spec.liveness:
        if rc.params.upper_at_mount == "any":
            return _each_mount_word(rc, budget,
                                    lambda r, b, _: _liveness(r, b, engine), progress)
        return _liveness(rc, budget, engine)
    if rc.params.upper_at_mount == "any" and engine != "smt":
        if engine == "explicit":
            return _each_mount_word(rc, budget, _explicit, progress)
        return _both(rc, budget, progress, _each_mount_word(rc, budget, _explicit, progress))
    run = {"explicit": _explicit, "smt": _smt, "both": _both}[engine]
    return run(rc, budget, progress)


def check_property(scheme: str, lock: str, params: WorldParams, prop: str,
                   engine: str = "explicit", budget: Budget | None = None,
                   progress: explicit.ProgressFn | None = None, scenario: str = CUSTOM
                   ) -> PropertyResult:
    """:func:`check_resolved` on the query (``params``: the bounds asked for; ``scenario``:
    the preset they came from, which the replay key names)."""
    return check_resolved(resolve(scheme, lock, scenario, params, prop), engine, budget,
                          progress)


def check(scheme: str, lock: str, scenario: str, params: WorldParams,
          props: list[str] | None = None, engine: str = "explicit",
          budget: Budget | None = None, progress: explicit.ProgressFn | None = None,
          mount_options: tuple[str, ...] = ()) -> CheckResult:
    """Every property in ``props`` (default: all) for one variant in one scenario
    (``params``: the bounds asked for; ``mount_options``: ``--mount-option``).

    Ctrl-C raises :class:`CheckInterrupted` with the properties already decided and the
    figures of the one being searched."""
    results: list[PropertyResult] = []
    defaults = [p for p in DEFAULT_PROPERTIES
                if not (params.looping and PROPERTIES[p].needs_twin)]  # no twin: see options
    for p in props or defaults:
        try:
            results.append(check_resolved(resolve(scheme, lock, scenario, params, p,
                                                  mount_options), engine, budget, progress))
        except explicit.SearchInterrupted as e:
            raise CheckInterrupted(tuple(results), e.prop, e.stats) from None
        except KeyboardInterrupt:
            raise CheckInterrupted(tuple(results), p, None) from None
    return CheckResult(scheme, lock, scenario, engine,
                       effective(scheme, lock, params, mount_options), tuple(results),
                       tuple(sorted(set(mount_options))))


def trace_report(rc: ResolvedCheck, trace: Trace) -> TraceReport:
    """The document ``trace`` and ``replay`` print: the trace with what it breaks, the
    effective bounds, the replay key and ``by_design``, all from the resolved check."""
    sched = trace.schedule
    if trace.cycle_start is not None:
        from checks.liveness import CYCLE_MARK

        sched = sched[:trace.cycle_start] + (CYCLE_MARK,) + sched[trace.cycle_start:]
    return TraceReport(rc.scheme, rc.lock, rc.scenario, rc.prop, rc.params, trace,
                       str(rc.key(sched)), rc.by_design)


def replay_trace(rc: ResolvedCheck, schedule: tuple[str, ...]) -> TraceReport:
    """Re-run ``schedule`` in the resolved check's world (raises
    :class:`checks.replay.ReplayError` unless it ends in a violation) and report it.  For
    ``progress`` the schedule names a lasso: the stem, ``liveness.CYCLE_MARK``, the cycle."""
    if rc.spec.liveness:
        from checks.liveness import CYCLE_MARK, LassoReplayError

        if list(schedule).count(CYCLE_MARK) != 1:
            raise LassoReplayError(f"a progress key's schedule needs one {CYCLE_MARK!r} "
                                   "where the cycle starts")
        at = list(schedule).index(CYCLE_MARK)
        rest = tuple(a for a in schedule if a != CYCLE_MARK)
        return trace_report(rc, lasso_trace(rc, rest, at))
    return trace_report(rc, replay(rc.replay_world, tuple(schedule), rc.prop, rc.twin))
