"""Run a check: build the world, instrument it per property, search, replay, report.

This is the one place that ties a variant and a scenario to an engine; the CLI and the tests
call :func:`check`.
"""

from __future__ import annotations

import dataclasses

from checks import explicit
from checks.replay import replay
from model.ir import World
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from model.world import WorldParams, build_world
from specs.properties import PROPERTIES, Monitor
from specs.results import CheckResult, PropertyResult, Verdict

#: extra counter bits of the wrap twin: more increments than any bounded scenario makes
TWIN_EXTRA_BITS = 12


def instrumented(world: World, prop: str) -> World:
    """``world`` with the ghost state and violation conditions of ``prop``."""
    if prop == "deadlock":
        return world
    return Monitor("lost" if prop == "wrap" else prop).instrument(world)


def world_for(scheme: str, lock: str, params: WorldParams) -> World:
    load_catalogue()
    return build_world(SCHEMES[scheme], DISCIPLINES[lock], params)


def check_property(scheme: str, lock: str, params: WorldParams, prop: str,
                   limits: explicit.Limits | None = None) -> PropertyResult:
    """Decide one property with the explicit engine; a violation comes back replayed."""
    world = instrumented(world_for(scheme, lock, params), prop)
    twin_world = None
    twin = None
    if prop == "wrap":
        wide = dataclasses.replace(params, counter_bits=params.counter_bits + TWIN_EXTRA_BITS)
        twin_world = instrumented(world_for(scheme, lock, wide), prop)
        twin = explicit.compile_world(twin_world)
    out = explicit.search(explicit.compile_world(world), prop, limits or explicit.Limits(), twin)
    by_design = prop in SCHEMES[scheme].by_design
    if out.verdict is Verdict.VIOLATED:
        assert out.schedule is not None
        trace = replay(world, out.schedule, prop, twin_world)
        return PropertyResult(prop, out.verdict, trace.reason, out.stats, trace, by_design)
    return PropertyResult(prop, out.verdict, out.reason, out.stats, None, by_design)


def check(scheme: str, lock: str, scenario: str, params: WorldParams,
          props: list[str] | None = None, limits: explicit.Limits | None = None
          ) -> CheckResult:
    """Every property in ``props`` (default: all) for one variant in one scenario."""
    results = tuple(check_property(scheme, lock, params, p, limits)
                    for p in (props or list(PROPERTIES)))
    return CheckResult(scheme, lock, scenario, "explicit", params.as_dict(), results)
