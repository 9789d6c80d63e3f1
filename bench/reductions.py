"""Does a reduction change any verdict, and what does it save?  Runs the explicit engine on
every scheme x discipline x property of the given scenarios with the dead-value reset,
partial-order reduction and symmetry reduction switched on and off, prints one row per cell
and the totals, and exits 1 if any verdict or shortest counterexample length differs.

    python bench/reductions.py [--scenario S ...] [--lock L ...] [--markdown]

Figures are states stored (``Stats.states``; with POR on, a violation's re-minimising search
is included) and seconds of search.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from checks import explicit
from checks.cli import scenario_params
from model.variants import SCHEMES, load_catalogue
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

PROPS = ("lost", "double", "unseen", "backward", "wrap", "deadlock")
#: (name, dead-value reset, symmetry, POR); "plain" is the world as built
CONFIGS = (("plain", False, False, False), ("reset", True, False, False),
           ("sym", False, True, False), ("reset+sym", True, True, False),
           ("por", False, False, True), ("reset+sym+por", True, True, True))


def run(scenarios: list[str], locks: list[str], markdown: bool,
        configs: tuple[tuple[str, bool, bool, bool], ...] = CONFIGS) -> int:
    """Print the comparison; return the number of cells where a reduction changed a result."""
    bad = 0
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    sep = " | " if markdown else "  "
    head = ["scenario", "scheme", "lock", "property", "verdict", "len"] + [
        f"{c} states" for c, _, _, _ in configs] + [f"{c} s" for c, _, _, _ in configs]
    print(sep.join(head))
    if markdown:
        print("|".join("---" for _ in head))
    for scenario in scenarios:
        params = scenario_params(scenario)
        for scheme in sorted(SCHEMES):
            for lock in locks:
                for prop in PROPS:
                    rc = resolve(scheme, lock, scenario, params, prop)
                    worlds = {}
                    for reset in {r for _, r, _, _ in configs}:
                        w, t = ((rc.search_world, rc.search_twin) if reset
                                else (rc.world, rc.twin))
                        worlds[reset] = (explicit.compile_world(w),
                                         explicit.compile_world(t) if t else None)
                    outs = [explicit.search(worlds[reset][0], prop, None, worlds[reset][1], sym,
                                            por=por)
                            for _, reset, sym, por in configs]
                    keys = {(o.verdict, len(o.schedule) if o.schedule else None) for o in outs}
                    flag = ""
                    if len(keys) != 1:
                        bad += 1
                        flag = "  DIFFERS: " + ", ".join(
                            f"{c}={o.verdict.value}/{len(o.schedule or ())}"
                            for (c, _, _, _), o in zip(configs, outs, strict=True))
                    v = outs[0].verdict.value
                    for (c, _, _, _), o in zip(configs, outs, strict=True):
                        totals[(c, v)][0] += o.stats.states
                        totals[(c, v)][1] += o.stats.seconds
                    length = str(len(outs[0].schedule)) if outs[0].schedule else "-"
                    cells = [scenario, scheme, lock, prop, v, length]
                    cells += [str(o.stats.states) for o in outs]
                    cells += [f"{o.stats.seconds:.2f}" for o in outs]
                    print(sep.join(cells) + flag, flush=True)
    print()
    for v in ("holds", "violated", "unknown"):
        if (configs[0][0], v) not in totals:
            continue
        base = totals[(configs[0][0], v)]
        parts = [f"{c}: {int(totals[(c, v)][0])} states ({totals[(c, v)][0] / max(1, base[0]):.2f})"
                 f" {totals[(c, v)][1]:.1f}s" for c, _, _, _ in configs]
        print(f"total {v}: " + "; ".join(parts))
    print(f"cells where a reduction changed a verdict or a shortest length: {bad}")
    return bad


def main() -> int:
    load_catalogue()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    ap.add_argument("--lock", action="append")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--config", action="append", choices=[c for c, _, _, _ in CONFIGS],
                    help="reduction settings to compare (default: all)")
    a = ap.parse_args()
    configs = tuple(c for c in CONFIGS if c[0] in a.config) if a.config else CONFIGS
    scenarios = a.scenario or [s for s in SCENARIOS if s != "stress"]
    return 1 if run(scenarios, a.lock or ["none", "spinlock"], a.markdown, configs) else 0


if __name__ == "__main__":
    sys.exit(main())
