"""One counterexample for ``syncfs-mc trace`` / ``replay``: text (only what changed at each
step, ``reports.text.render_trace``), JSON (``reports/trace.schema.json``), the diagrams of
:mod:`reports.diagram`, an SVG sequence diagram (:mod:`reports.svg`) and a self-contained
HTML page (:mod:`reports.tracehtml`).

Renders :class:`specs.results.TraceReport` only.
"""

from __future__ import annotations

import json
from pathlib import Path

from reports.diagram import render_dot, render_mermaid
from reports.svg import render_svg
from reports.text import render_trace
from reports.tracehtml import headline, render_page
from specs.results import TraceReport

SCHEMA = Path(__file__).with_name("trace.schema.json")
FORMATS = ("text", "json", "mermaid", "dot", "svg", "html")


def render_text(rep: TraceReport) -> str:
    """Header, the changes-only table, the broken promise, and the replay key."""
    head = f"syncfs-mc: {headline(rep)}"
    return "\n".join([head, "", render_trace(rep.trace, rep.prop, changes_only=True), "",
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
