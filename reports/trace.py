"""One counterexample for ``syncfs-mc trace`` / ``replay``: text (only what changed at each
step), JSON (``reports/trace.schema.json``), the diagrams of :mod:`reports.diagram`, an SVG
sequence diagram (:mod:`reports.svg`) and a self-contained HTML page
(:mod:`reports.tracehtml`).

Renders :class:`specs.results.TraceReport` only.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from reports.diagram import render_dot, render_mermaid
from reports.svg import render_svg
from reports.text import ACTION_WIDTH, action_text, syscall_line
from reports.tracehtml import headline, render_page
from specs.results import Trace, TraceReport

SCHEMA = Path(__file__).with_name("trace.schema.json")
FORMATS = ("text", "json", "mermaid", "dot", "svg", "html")


def _is_word(name: str) -> bool:
    return name == "U" or (name.startswith("O") and "." not in name)


def render_changes(trace: Trace, prop: str) -> str:
    """The syscall-notation table with only what changed at each step: the columns of U and
    each overlay word are blank where the word did not move, and ``also`` names the other
    shared variables a step changed (cursors, locks, the overlay's private fields)."""
    first = trace.steps[0].state if trace.steps else {}
    words = [w for w in first if _is_word(w)]
    prev = dict(trace.initial) if trace.initial else None
    rows = []
    for s in trace.steps:
        cells = []
        for w in words:
            changed = prev is None or prev.get(w) != s.state[w]
            cells.append(s.state[w] if changed else "")
        also = [f"{k} = {v}" for k, v in s.state.items()
                if not _is_word(k) and prev is not None and prev.get(k) != v]
        rows.append((s, cells, "; ".join(also)))
        prev = dict(s.state)
    heads = [f"{w}.s_wb_err" for w in words]
    widths = [max([len(h)] + [len(r[1][i]) for r in rows]) for i, h in enumerate(heads)]
    actor_w = max([5] + [len(s.actor) for s in trace.steps])
    lines = [syscall_line(trace, prop), ""]
    for p in trace.prologue:
        lines.append(f"  before: {p}")
    if trace.initial:
        lines.append("  initially: " + ", ".join(f"{k} = {v}" for k, v in trace.initial.items()
                                               if _is_word(k)))
    lines.append("")
    head = f"{'#':>3}  {'actor':<{actor_w}}  {'action':<{ACTION_WIDTH}}"
    for h, w in zip(heads, widths, strict=True):
        head += f"  {h:<{w}}"
    lines.append((head + "  also changed").rstrip())
    for s, cells, also in rows:
        chunks = textwrap.wrap(action_text(s), ACTION_WIDTH, subsequent_indent="  ") or [""]
        row = f"{s.index:>3}  {s.actor:<{actor_w}}  {chunks[0]:<{ACTION_WIDTH}}"
        for c, width in zip(cells, widths, strict=True):
            row += f"  {c:<{width}}"
        row += f"  {also}"
        lines.append(row.rstrip())
        for c in chunks[1:]:
            lines.append(f"{'':>3}  {'':<{actor_w}}  {c}")
    last = trace.steps[-1].index if trace.steps else 0
    lines.append(f"{'':>3}  ^ step {last}: {trace.reason}")
    return "\n".join(lines)


def render_text(rep: TraceReport) -> str:
    """Header, the changes-only table, the broken promise, and the replay key."""
    head = f"syncfs-mc: {headline(rep)}"
    return "\n".join([head, "", render_changes(rep.trace, rep.prop), "",
                      f"replay: syncfs-mc replay {rep.key}"]) + "\n"


def render_json(rep: TraceReport) -> str:
    return json.dumps(rep.to_json(), indent=1) + "\n"


def render(rep: TraceReport, fmt: str) -> str:
    if fmt == "text":
        return render_text(rep)
    if fmt == "json":
        return render_json(rep)
    if fmt == "mermaid":
        return render_mermaid(rep.trace, rep.prop)
    if fmt == "dot":
        return render_dot(rep.trace, rep.prop)
    if fmt == "svg":
        return render_svg(rep.trace, rep.prop, headline(rep))
    if fmt == "html":
        return render_page(rep)
    raise ValueError(f"unknown trace format {fmt!r}")
