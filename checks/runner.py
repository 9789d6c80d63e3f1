"""Run a check: build the world, instrument it per property, search, replay, report.

This is the one place that ties a variant and a scenario to the engines; the CLI and the
tests call :func:`check`.  With ``engine="both"`` every property is decided by the explicit
engine and by the SMT engine, and any disagreement in verdict or in shortest trace length
raises :class:`EngineDisagreement`.
"""

from __future__ import annotations

import dataclasses

from checks import explicit
from checks.replay import replay
from model.ir import World
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from model.world import WorldParams, build_world
from specs.properties import PROPERTIES, Monitor
from specs.results import CheckResult, PropertyResult, Stats, Trace, Verdict

#: extra counter bits of the wrap twin: more increments than any bounded scenario makes
TWIN_EXTRA_BITS = 12
ENGINES = ("explicit", "smt", "both")
MINIMIZE = ("steps", "preemptions")


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


def instrumented(world: World, prop: str) -> World:
    """``world`` with the ghost state and violation conditions of ``prop``."""
    if prop == "deadlock":
        return world
    return Monitor("lost" if prop == "wrap" else prop).instrument(world)


def world_for(scheme: str, lock: str, params: WorldParams) -> World:
    load_catalogue()
    return build_world(SCHEMES[scheme], DISCIPLINES[lock], params)


def _worlds(scheme: str, lock: str, params: WorldParams, prop: str
            ) -> tuple[World, World | None]:
    world = instrumented(world_for(scheme, lock, params), prop)
    if prop != "wrap":
        return world, None
    wide = dataclasses.replace(params, counter_bits=params.counter_bits + TWIN_EXTRA_BITS)
    return world, instrumented(world_for(scheme, lock, wide), prop)


def _explicit(scheme: str, lock: str, params: WorldParams, prop: str, budget: Budget,
              progress: explicit.ProgressFn | None = None) -> PropertyResult:
    world, twin_world = _worlds(scheme, lock, params, prop)
    twin = explicit.compile_world(twin_world) if twin_world is not None else None
    limits = explicit.Limits(budget.max_states, budget.max_seconds, budget.max_mib)
    cw = explicit.compile_world(world)
    if budget.minimize == "preemptions":
        out = explicit.search_fewest_switches(cw, prop, limits, twin, progress)
    else:
        out = explicit.search(cw, prop, limits, twin, budget.symmetry, progress,
                             por=budget.por)
    by_design = prop in SCHEMES[scheme].by_design
    if out.verdict is Verdict.VIOLATED:
        assert out.schedule is not None
        trace = replay(world, out.schedule, prop, twin_world)
        return PropertyResult(prop, out.verdict, trace.reason, out.stats, trace, by_design)
    proof = "exhaustive" if out.verdict is Verdict.HOLDS else None
    return PropertyResult(prop, out.verdict, out.reason, out.stats, None, by_design,
                          proof=proof)


def _smt(scheme: str, lock: str, params: WorldParams, prop: str, budget: Budget,
         progress: explicit.ProgressFn | None = None) -> PropertyResult:
    from checks import smt  # z3 is loaded only when the SMT engine is asked for

    world, twin_world = _worlds(scheme, lock, params, prop)
    out = smt.bmc(world, prop, budget.max_depth, budget.max_seconds, twin_world)
    by_design = prop in SCHEMES[scheme].by_design
    if out.verdict is Verdict.VIOLATED:
        assert out.schedule is not None
        trace = replay(world, out.schedule, prop, twin_world)
        return PropertyResult(prop, out.verdict, trace.reason, out.stats, trace, by_design,
                              engine="smt", depth=out.depth)
    return PropertyResult(prop, out.verdict, out.reason, out.stats, None, by_design,
                          engine="smt", proof=out.proof, depth=out.depth)


def _both(scheme: str, lock: str, params: WorldParams, prop: str, budget: Budget,
          progress: explicit.ProgressFn | None = None) -> PropertyResult:
    e = _explicit(scheme, lock, params, prop, budget, progress)
    s = _smt(scheme, lock, params, prop, budget)
    known = [r for r in (e, s) if r.verdict is not Verdict.UNKNOWN]
    if len(known) == 2 and (e.verdict, e.trace_length) != (s.verdict, s.trace_length):
        raise EngineDisagreement(
            f"engines disagree on {prop} for {scheme} --lock {lock}: explicit says "
            f"{e.verdict.value}" + (f" in {e.trace_length} steps" if e.trace else "")
            + f", smt says {s.verdict.value}" + (f" in {s.trace_length} steps" if s.trace else ""))
    lead = known[0] if known else e
    return dataclasses.replace(lead, others=(e, s), engine="both")


def replay_schedule(scheme: str, lock: str, params: WorldParams, prop: str,
                    schedule: tuple[str, ...]) -> Trace:
    """Re-run ``schedule`` (an actor per step) in the variant's world instrumented for
    ``prop``; raises :class:`checks.replay.ReplayError` unless it ends in a violation."""
    world, twin_world = _worlds(scheme, lock, params, prop)
    return replay(world, tuple(schedule), prop, twin_world)


def check_property(scheme: str, lock: str, params: WorldParams, prop: str,
                   limits: explicit.Limits | None = None, engine: str = "explicit",
                   budget: Budget | None = None, progress: explicit.ProgressFn | None = None
                   ) -> PropertyResult:
    """Decide one property; a violation comes back replayed by the reference interpreter.
    ``progress``: the explicit engine's progress callback (see :func:`explicit.search`)."""
    if budget is None:
        limits = limits or explicit.Limits()
        budget = Budget(limits.max_states, limits.max_seconds, max_mib=limits.max_mib)
    run = {"explicit": _explicit, "smt": _smt, "both": _both}[engine]
    return run(scheme, lock, params, prop, budget, progress)


def check(scheme: str, lock: str, scenario: str, params: WorldParams,
          props: list[str] | None = None, limits: explicit.Limits | None = None,
          engine: str = "explicit", budget: Budget | None = None,
          progress: explicit.ProgressFn | None = None) -> CheckResult:
    """Every property in ``props`` (default: all) for one variant in one scenario.

    Ctrl-C raises :class:`CheckInterrupted` with the properties already decided and the
    figures of the one being searched."""
    results: list[PropertyResult] = []
    for p in props or list(PROPERTIES):
        try:
            results.append(check_property(scheme, lock, params, p, limits, engine, budget,
                                          progress))
        except explicit.SearchInterrupted as e:
            raise CheckInterrupted(tuple(results), e.prop, e.stats) from None
        except KeyboardInterrupt:
            raise CheckInterrupted(tuple(results), p, None) from None
    # the bounds the world was built with (a discipline may widen the counter)
    effective = DISCIPLINES[lock].world_params(params)
    return CheckResult(scheme, lock, scenario, engine, effective.as_dict(), tuple(results))
