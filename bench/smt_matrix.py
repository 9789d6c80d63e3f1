"""The SMT engine's benchmark matrix (issue 15's targets, reports/bench/smt.md).

``python bench/smt_matrix.py SCENARIO [--cap S] [--counter-bits N] [--upper-at-mount any]
[--errors-any] [--no-explicit] [--out-dir DIR]`` runs every cell of SCENARIO (the eight
catalogue schemes x locks none and spinlock x the six default properties) with
``--engine smt``, each capped at ``--cap`` seconds (``unknown`` with its reason when the cap
is reached), and beside it the explicit engine's verdict (Python back end; left out with
``--no-explicit``, and where the explicit engine cannot take the world: ``--errors any``).
It writes ``DIR/smt-matrix-TAG.json`` (raw figures) and ``DIR/smt-matrix-TAG.md`` (the
table), TAG naming the scenario and the options.  One process, one core, cells in order.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time

from checks.runner import Budget, check_property
from model.variants import SCHEMES, load_catalogue
from specs.scenarios import SCENARIOS

PROPS = ("lost", "double", "unseen", "backward", "wrap", "deadlock")
LOCKS = ("none", "spinlock")


def _short(verdict: str | None, length: int | None) -> str:
    if verdict is None:
        return "-"
    if verdict == "violated":
        return f"V{length}"
    return {"holds": "H", "unknown": "?"}.get(verdict, verdict)


def run(scenario: str, cap: float, counter_bits: int | None, upper: str, errors_any: bool,
        explicit: bool) -> dict:
    over: dict = {"upper_at_mount": upper, "errors_any": errors_any}
    if counter_bits is not None:
        over["counter_bits"] = counter_bits
    params = dataclasses.replace(SCENARIOS[scenario][0], **over)
    cells = []
    t_all = time.perf_counter()
    for scheme in SCHEMES:
        for lock in LOCKS:
            for prop in PROPS:
                t = time.perf_counter()
                r = check_property(scheme, lock, params, prop, engine="smt",
                                   budget=Budget(max_seconds=cap), scenario=scenario)
                secs = time.perf_counter() - t
                cell = {"scheme": scheme, "lock": lock, "prop": prop,
                        "verdict": r.verdict.value, "length": r.trace_length,
                        "depth": r.depth, "proof": r.proof, "seconds": round(secs, 2),
                        "reason": r.reason if r.verdict.value != "violated" else None,
                        "explicit": None, "explicit_length": None, "agree": None}
                if explicit and not errors_any:
                    e = check_property(scheme, lock, params, prop, engine="explicit",
                                       budget=Budget(backend="python", max_seconds=120),
                                       scenario=scenario)
                    cell["explicit"], cell["explicit_length"] = e.verdict.value, e.trace_length
                    if "unknown" not in (e.verdict.value, r.verdict.value):
                        cell["agree"] = ((e.verdict.value, e.trace_length)
                                         == (r.verdict.value, r.trace_length))
                cells.append(cell)
                print(json.dumps(cell), flush=True)
    return {"scenario": scenario, "cap_seconds": cap, "counter_bits": params.counter_bits,
            "upper_at_mount": upper, "errors_any": errors_any,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
            "wall_seconds": round(time.perf_counter() - t_all, 1), "cells": cells}


def summary(data: dict) -> dict:
    cells = data["cells"]
    return {"cells": len(cells),
            "decided": sum(c["verdict"] != "unknown" for c in cells),
            "unknown": sum(c["verdict"] == "unknown" for c in cells),
            "smt_seconds": round(sum(c["seconds"] for c in cells), 1),
            "max_cell_seconds": max(c["seconds"] for c in cells),
            "disagreements": sum(c["agree"] is False for c in cells),
            "compared": sum(c["agree"] is not None for c in cells)}


def markdown(data: dict, command: str) -> str:
    s = summary(data)
    lines = [f"### `{data['scenario']}`: counter {data['counter_bits']} bits, "
             f"U at mount {data['upper_at_mount']}"
             + (", errnos any" if data["errors_any"] else "")
             + f", {data['cap_seconds']:g} s per cell",
             "",
             f"`{command}` ({data['date']}, {data['machine']}).  "
             f"Decided {s['decided']}/{s['cells']}, unknown {s['unknown']}, "
             f"SMT time {s['smt_seconds']} s in total (slowest cell {s['max_cell_seconds']} s), "
             f"disagreements with explicit {s['disagreements']} of {s['compared']} compared.",
             "",
             "Each cell: SMT verdict (H holds, V*n* violated in *n* steps, ? unknown), seconds;"
             " `[explicit: ...]` where the explicit engine says otherwise or SMT is unknown.",
             "",
             "| scheme | lock | " + " | ".join(PROPS) + " | total s |",
             "|---|---|" + "---|" * len(PROPS) + "---|"]
    by = {(c["scheme"], c["lock"], c["prop"]): c for c in data["cells"]}
    for scheme in dict.fromkeys(c["scheme"] for c in data["cells"]):
        for lock in LOCKS:
            row, tot = [], 0.0
            for prop in PROPS:
                c = by[(scheme, lock, prop)]
                tot += c["seconds"]
                txt = f"{_short(c['verdict'], c['length'])} {c['seconds']:.1f}"
                if c["explicit"] is not None and (c["agree"] is False
                                                  or c["verdict"] == "unknown"):
                    txt += f" [explicit: {_short(c['explicit'], c['explicit_length'])}]"
                row.append(txt)
            lines.append(f"| {scheme} | {lock} | " + " | ".join(row) + f" | {tot:.1f} |")
    unknown = [c for c in data["cells"] if c["verdict"] == "unknown"]
    if unknown:
        lines += ["", "Unknown cells:", ""]
        lines += [f"- {c['scheme']} {c['lock']} {c['prop']}: {c['reason']}" for c in unknown]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--cap", type=float, default=30.0, help="seconds per cell (SMT)")
    ap.add_argument("--counter-bits", type=int, default=None)
    ap.add_argument("--upper-at-mount", default="0")
    ap.add_argument("--errors-any", action="store_true")
    ap.add_argument("--no-explicit", action="store_true")
    ap.add_argument("--out-dir", default="reports/bench")
    a = ap.parse_args()
    load_catalogue()
    data = run(a.scenario, a.cap, a.counter_bits, a.upper_at_mount, a.errors_any,
               not a.no_explicit)
    tag = a.scenario + (f"-{a.counter_bits}bit" if a.counter_bits else "") \
        + ("-upper-any" if a.upper_at_mount == "any" else "") \
        + ("-errors-any" if a.errors_any else "")
    command = "python bench/smt_matrix.py " + a.scenario + f" --cap {a.cap:g}" \
        + (f" --counter-bits {a.counter_bits}" if a.counter_bits else "") \
        + (f" --upper-at-mount {a.upper_at_mount}" if a.upper_at_mount != "0" else "") \
        + (" --errors-any" if a.errors_any else "")
    data["command"] = command
    data["summary"] = summary(data)
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, f"smt-matrix-{tag}.json"), "w") as f:
        json.dump(data, f, indent=1)
    with open(os.path.join(a.out_dir, f"smt-matrix-{tag}.md"), "w") as f:
        f.write(markdown(data, command))
    print(json.dumps(data["summary"]))


if __name__ == "__main__":
    main()
