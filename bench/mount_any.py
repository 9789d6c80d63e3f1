"""What ``--upper-at-mount any`` changes (reports/bench/smt.md, "An upper with a history").

``python bench/mount_any.py matrix OUT.json``: the catalogue on seed and shared-fd, locks
none and spinlock, every default property, explicit engine (Python) at 2-bit counters, with
U = 0 and with any.  ``python bench/mount_any.py kernel OUT.json``: a few seed cells with
the SMT engine at the kernel's 19-bit counter, ``--upper-at-mount any --errors any``, each
capped at 150 s (``unknown`` when the cap is reached); ``kernel OUT.json shared-fd``: the
same for a few shared-fd cells.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time

from checks.runner import Budget, check_property
from model.variants import SCHEMES, load_catalogue
from specs.scenarios import SCENARIOS

PROPS = ("lost", "double", "unseen", "backward", "wrap", "deadlock")
KERNEL_CELLS = (("copy-counter", "none", "double"), ("copy-counter", "none", "lost"),
                ("copy-counter", "none", "backward"), ("cursor", "none", "lost"),
                ("volatile", "none", "double"), ("mustinc", "none", "double"),
                ("copy-naive", "spinlock", "lost"), ("copy-counter", "none", "wrap"),
                ("volatile", "none", "lost"))
#: shared-fd: the cells whose verdict or length ``any`` changes at 2 bits, a few of them
KERNEL_CELLS_SHARED_FD = (("copy-counter", "none", "double"), ("copy-counter", "none", "backward"),
                          ("cursor", "none", "lost"), ("upper-cursor", "none", "double"))


def matrix() -> dict:
    out = {}
    budget = Budget(backend="python", max_seconds=60)
    for scen in ("seed", "shared-fd"):
        base = dataclasses.replace(SCENARIOS[scen][0], counter_bits=2)
        for s in SCHEMES:
            for lock in ("none", "spinlock"):
                for prop in PROPS:
                    row = {}
                    for u in ("0", "any"):
                        t = time.time()
                        r = check_property(s, lock, dataclasses.replace(base, upper_at_mount=u),
                                           prop, budget=budget, scenario=scen)
                        row[u] = (r.verdict.value, r.trace_length, r.key,
                                  round(time.time() - t, 2))
                    out[f"{scen}|{s}|{lock}|{prop}"] = row
                    print(scen, s, lock, prop, row["0"][:2], row["any"][:2], flush=True)
    return out


def kernel(scenario: str = "seed") -> list:
    base = dataclasses.replace(SCENARIOS[scenario][0], upper_at_mount="any", errors_any=True)
    out = []
    cells = KERNEL_CELLS if scenario == "seed" else KERNEL_CELLS_SHARED_FD
    for s, lock, prop in cells:
        t = time.time()
        r = check_property(s, lock, base, prop, engine="smt", budget=Budget(max_seconds=150),
                           scenario=scenario)
        row = {"scheme": s, "lock": lock, "prop": prop, "verdict": r.verdict.value,
               "length": r.trace_length, "depth": r.depth,
               "seconds": round(time.time() - t, 1), "reason": r.reason, "key": r.key}
        out.append(row)
        print(json.dumps(row), flush=True)
    return out


if __name__ == "__main__":
    load_catalogue()
    what, path = sys.argv[1], sys.argv[2]
    data = matrix() if what == "matrix" else kernel(sys.argv[3] if len(sys.argv) > 3 else "seed")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
