"""Explicit-state engine: breadth-first search of every interleaving.

The instrumented world (``specs.properties``) is compiled once to Python: one function per
atomic step that maps a state tuple to its successor and says whether the step violates the
property.  The search is breadth-first, level by level, so the first violation found is at the
smallest depth: every counterexample is a shortest one.  It returns the schedule (the actor of
each step); ``checks.replay`` re-runs it through the reference interpreter before anyone sees
it.

``wrap`` runs the world and a *twin* in lockstep: the same world with a counter too wide to
wrap, driven by the same schedule.  A ``lost`` violation of the world is a ``wrap`` violation
when the twin, under the same interleaving, has not lost an error (or could not follow the
interleaving at all, its control flow having diverged).  Paths on which the twin loses an
error first are pruned: no wrap violation can follow on them.

This module is the engine's entry point: :func:`search` (which searches to run, and how
their figures add up) and every name callers use.  The parts live by concern:
``checks.stepcode`` (steps compiled to Python, packed states, successors), ``checks.symmetry``
(identical actors), ``checks.por`` (ample sets), ``checks.meter`` (limits and progress),
``checks.bfs`` (the search) and ``checks.fewest`` (fewest context switches).
"""

from __future__ import annotations

import dataclasses

from checks.bfs import Outcome, SearchInterrupted
from checks.bfs import bfs as _bfs
from checks.fewest import search_fewest_switches
from checks.meter import (
    CLOCK_CHECK_EVERY,
    MEMORY_CHECK_EVERY,
    PROGRESS_INTERVAL,
    Limits,
    Meter,
    Progress,
    ProgressFn,
    current_mib,
    peak_mib,
)
from checks.por import ample_function, independence
from checks.stepcode import (
    CompiledWorld,
    StepFn,
    Successors,
    compile_world,
    packer,
    step_source,
    successor_function,
)
from checks.symmetry import canonicalizer, symmetry_groups
from specs.results import Stats, Verdict

__all__ = [
    "CLOCK_CHECK_EVERY", "MEMORY_CHECK_EVERY", "PLAIN_FIRST_STATES", "PROGRESS_INTERVAL",
    "CompiledWorld", "Limits", "Meter", "Outcome", "Progress", "ProgressFn", "SearchInterrupted",
    "StepFn", "Successors", "ample_function", "canonicalizer", "compile_world", "current_mib",
    "independence", "packer", "peak_mib", "search", "search_fewest_switches", "step_source",
    "successor_function", "symmetry_groups",
]

#: states a plain search may store before ``search(por=True)`` switches to the reduced one
PLAIN_FIRST_STATES = 20_000


def search(cw: CompiledWorld, prop: str, limits: Limits | None = None,
           twin: CompiledWorld | None = None, symmetry: bool = True,
           progress: ProgressFn | None = None,
           progress_interval: float = PROGRESS_INTERVAL, por: bool = False) -> Outcome:
    """Breadth-first search for a step that violates ``prop`` (or, for a property on states,
    ``Property.on_states`` such as ``deadlock``, a state where unfinished actors are all
    blocked).  With ``twin``: the product with the wide-counter twin (``wrap``).

    ``symmetry``: store one canonical representative per class of states that differ only by
    a permutation of interchangeable actors (``checks.symmetry``).  Depths are unchanged, so
    counterexamples stay shortest; the concrete schedule is rebuilt by re-simulating the
    canonical path from the initial state.

    ``progress`` is called with a :class:`Progress` at most once per ``progress_interval``
    seconds (the clock is read every ``CLOCK_CHECK_EVERY`` states and at each level's end).
    Ctrl-C raises :class:`SearchInterrupted` with the figures so far.

    ``por``: partial-order reduction (``checks.por``).  A state where some actor's enabled
    step commutes with everything the others may still do explores that step alone,
    unless its successor was already seen (the cycle proviso: every cycle of the reduced graph
    keeps a fully expanded state).  Verdicts are preserved, depths are not: the reduced graph
    can reach a violation late.  So a plain search runs first, up to ``PLAIN_FIRST_STATES``
    states (small worlds and shallow violations are settled there, exactly as without POR);
    past that the reduced search runs, and a violation it finds is searched again without
    POR, which returns a shortest counterexample.  The figures are the sum of the searches.
    """
    limits = limits or Limits()
    args = (cw, prop, twin, symmetry, progress, progress_interval)
    if not por:
        return _bfs(*args, limits, False)
    cap = PLAIN_FIRST_STATES
    if limits.max_states is not None and limits.max_states <= cap:
        return _bfs(*args, limits, False)
    first = _bfs(*args, dataclasses.replace(limits, max_states=cap), False)
    if first.verdict is not Verdict.UNKNOWN or first.stats.states <= cap:
        return first  # settled, or another limit (time, memory) was hit
    runs = [first]
    reduced = _bfs(*args, _less(limits, runs), True)
    runs.append(reduced)
    if reduced.verdict is Verdict.VIOLATED:
        shortest = _bfs(*args, _less(limits, runs), False)
        runs.append(shortest)
        if shortest.verdict is Verdict.UNKNOWN:  # a limit cut the re-minimising search
            assert reduced.schedule is not None
            reason = (f"{shortest.reason}, while shortening a {len(reduced.schedule)}-step "
                      "violation the reduced search found")
            return dataclasses.replace(shortest, reason=reason,
                                       stats=_summed([r.stats for r in runs]))
    return dataclasses.replace(runs[-1], stats=_summed([r.stats for r in runs]))


def _less(limits: Limits, runs: list[Outcome]) -> Limits:
    """``limits`` less what the searches in ``runs`` already spent (states and seconds)."""
    spent_s = sum(r.stats.seconds for r in runs)
    spent_n = sum(r.stats.states for r in runs)
    return dataclasses.replace(
        limits,
        max_seconds=None if limits.max_seconds is None else max(0.0, limits.max_seconds - spent_s),
        max_states=None if limits.max_states is None else max(0, limits.max_states - spent_n))


def _summed(stats: list[Stats]) -> Stats:
    return Stats(sum(s.states for s in stats), sum(s.transitions for s in stats),
                 stats[-1].max_depth, sum(s.seconds for s in stats),
                 max(s.peak_mib for s in stats))

