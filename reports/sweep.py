"""The sweep matrix: variants x properties, each cell the smallest scope that breaks the
promise or how far it held, as text, Markdown, JSON and a self-contained HTML page.

Renders :class:`checks.sweep.SweepResult` only; it never runs a check.  A cell reads
``violated at s3 k2 e2 c2 race (33 steps)``, ``holds (72 scopes, 1.2M states)`` or
``unknown (3 scopes hit a limit)``; a ``by design`` violation says so.  Below the matrix, the
table of witnesses (one row per violated cell, with its scope and replay key) is the
"scope" column the matrix has no room for.  Rows are in the order asked for; timings appear
only in the summary line.
"""

from __future__ import annotations

import html
import json
from typing import Any

from checks.sweep import SweepCell, SweepResult, scope_label, scope_short
from model.world import WorldParams
from reports import tracehtml
from reports.compare import _CSS as compare_css
from reports.text import syscall_line
from specs.results import Verdict


def _states(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 10_000:
        return f"{n / 1e3:.0f}k"
    return str(n)


def _kind(c: SweepCell) -> str:
    if c.verdict is Verdict.VIOLATED:
        assert c.witness is not None
        return "by design" if c.witness[1].by_design else "violated"
    return c.verdict.value


def cell_text(c: SweepCell) -> str:
    """A cell in a few words."""
    if c.verdict is Verdict.VIOLATED:
        assert c.witness is not None
        scope, r = c.witness
        text = f"{_kind(c)} at {scope_short(scope)} ({r.trace_length} steps)"
        if c.unknown:
            text += f", {len(c.unknown)} smaller unknown"
        return text
    if c.verdict is Verdict.HOLDS:
        return f"holds ({c.checked} scopes, {_states(c.states)} states)"
    return f"unknown ({len(c.unknown)} of {c.total} scopes hit a limit)"


def _variants(result: SweepResult) -> list[str]:
    return list(dict.fromkeys(c.variant for c in result.cells))


def _cell(result: SweepResult, variant: str, prop: str) -> SweepCell | None:
    for c in result.cells:
        if c.variant == variant and c.prop == prop:
            return c
    return None


def _switches(p: WorldParams) -> str:
    out = f"sync_fs_errors={p.sync_fs_errors}"
    return out + (", flock" if p.flock else "")


def summary(result: SweepResult) -> str:
    """One line: scopes, cells, what was computed and what came from the cache."""
    n = len(result.cells)
    broken = sum(1 for c in result.cells if c.verdict is Verdict.VIOLATED)
    return (f"{len(result.scopes)} scopes per cell, {n} cells ({broken} violated); "
            f"{result.computed} scopes searched, {result.cached} from the cache, "
            f"{result.seconds:.1f} s")


def render_text(result: SweepResult, timings: bool = True) -> str:
    """The matrix as an aligned table, then the witnesses."""
    props = list(result.props)
    variants = _variants(result)
    rows = [["variant", *props]]
    for v in variants:
        rows.append([v] + [cell_text(c) if (c := _cell(result, v, p)) else "-" for p in props])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [f"syncfs-mc sweep: up to {result.up_to.text()}; {_switches(result.base)}", ""]
    for r in rows:
        out.append("  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())
    out += ["", "smallest violating scopes:"]
    any_witness = False
    for c in result.cells:
        if c.witness is None:
            continue
        any_witness = True
        scope, r = c.witness
        assert r.trace is not None
        out.append(f"  {c.variant} {c.prop}: {scope_label(scope)}, {r.trace_length} steps")
        out.append(f"    {syscall_line(r.trace, r.prop)}")
        out.append(f"    replay: syncfs-mc replay {r.key}")
        if c.unknown:
            out.append("    smaller scopes that hit a limit: "
                       + "; ".join(scope_short(u) for u in c.unknown))
    if not any_witness:
        out.append("  none: every promise held in every scope (or hit a limit)")
    if timings:
        out += ["", summary(result)]
    return "\n".join(out) + "\n"


def render_markdown(result: SweepResult) -> str:
    """A GitHub-flavoured Markdown table, then the witnesses with their scope."""
    props = list(result.props)
    out = ["# syncfs-mc sweep", "",
           f"* up to {result.up_to.text()}; {_switches(result.base)}",
           f"* {summary(result)}", "",
           "| variant | " + " | ".join(props) + " |", "|---|" + "---|" * len(props)]
    for v in _variants(result):
        cells = []
        for p in props:
            c = _cell(result, v, p)
            t = cell_text(c) if c else "-"
            cells.append(f"**{t}**" if c and _kind(c) == "violated" else t)
        out.append(f"| `{v}` | " + " | ".join(cells) + " |")
    out += ["", "## Smallest violating scopes", "",
            "| variant | property | scope | steps | replay |", "|---|---|---|---|---|"]
    for c in result.cells:
        if c.witness is not None:
            scope, r = c.witness
            out.append(f"| `{c.variant}` | {c.prop} | `{scope_label(scope)}` | "
                       f"{r.trace_length} | `syncfs-mc replay {r.key}` |")
    return "\n".join(out) + "\n"


def to_json(result: SweepResult, timings: bool = True) -> dict[str, Any]:
    cells = []
    for c in result.cells:
        d: dict[str, Any] = {"scheme": c.scheme, "lock": c.lock, "property": c.prop,
                             "verdict": c.verdict.value, "scopes_checked": c.checked,
                             "scopes": c.total, "states": c.states,
                             "unknown_scopes": [u.to_json() for u in c.unknown]}
        if c.witness is not None:
            scope, r = c.witness
            d["scope"] = scope.to_json()
            d["result"] = r.to_json(timings)
        cells.append(d)
    out: dict[str, Any] = {"up_to": result.up_to.text(), "base": result.base.to_json(),
                           "properties": list(result.props), "scopes": len(result.scopes),
                           "cells": cells}
    if timings:
        out.update(seconds=round(result.seconds, 1), computed=result.computed,
                   cached=result.cached)
    return out


def render_json(result: SweepResult, timings: bool = True) -> str:
    return json.dumps(to_json(result, timings), indent=1)


_CSS = compare_css  # the same page style as compare's report


def render_html(result: SweepResult) -> str:
    """One self-contained page: the matrix, each violated cell linking to its section with
    the scope, the trace table and the sequence diagram."""
    e = html.escape
    props = list(result.props)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>syncfs-mc sweep</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>syncfs-mc sweep</h1>",
           f"<p>Up to <code>{e(result.up_to.text())}</code>; {e(_switches(result.base))}.<br>"
           f"{e(summary(result))}</p>",
           '<h2 id="matrix">Matrix</h2>', '<table class="matrix"><tr><th>variant</th>']
    out += [f"<th>{e(p)}</th>" for p in props]
    out.append("</tr>")
    anchors: list[tuple[str, SweepCell]] = []
    for i, v in enumerate(_variants(result)):
        out.append(f"<tr><th>{e(v)}</th>")
        for p in props:
            c = _cell(result, v, p)
            if c is None:
                out.append("<td>-</td>")
                continue
            text = e(cell_text(c))
            if c.witness is not None:
                anchor = f"w{i}-{p}"
                anchors.append((anchor, c))
                text = f'<a href="#{anchor}">{text}</a>'
            out.append(f'<td class="{_kind(c).replace(" ", "-")}">{text}</td>')
        out.append("</tr>")
    out += ["</table>", "<h2>Smallest violating scopes</h2>"]
    if not anchors:
        out.append("<p>None: every promise held in every scope (or hit a limit).</p>")
    for anchor, c in anchors:
        assert c.witness is not None
        scope, r = c.witness
        assert r.trace is not None
        out += [f'<section id="{anchor}">', f"<h3>{e(c.variant)}: {e(c.prop)}</h3>",
                f"<p>scope: <code>{e(scope_label(scope))}</code> "
                f"({c.checked} of {c.total} scopes decided)</p>",
                f"<p>{e(r.reason)}</p>",
                f"<p>replay: <code>syncfs-mc replay {e(str(r.key))}</code></p>",
                tracehtml.trace_table(r.trace, r.prop),
                tracehtml.diagram(r.trace, r.prop, f"{c.variant}: {c.prop}, "
                                                   f"{len(r.trace)} steps"),
                '<p><a href="#matrix">back to the matrix</a></p>', "</section>"]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json,
           "html": render_html}
