"""Counterexamples as HTML: the step table and a whole self-contained page.

:func:`trace_table` is the content of the changes-only text table (``reports.text``) as an
HTML table: every shared word's value after each step, the cells a step changed in bold,
the other shared variables it changed, the violating row highlighted and the broken promise
under it.  :func:`render_page` is what ``syncfs-mc trace --format html`` writes: the
scenario's parameters, the interleaving as syscalls, that table, the SVG sequence diagram of
:mod:`reports.svg` inline, the closing line and the replay key.  Inline CSS only, no script,
nothing fetched: the file opens the same offline.
"""

from __future__ import annotations

from html import escape

from reports.diagram import words
from reports.svg import CYCLE_BG, render_svg
from reports.text import action_text, syscall_line
from specs.results import Trace, TraceReport

#: a lasso's cycle marks (``progress``), inline so other pages keep the shared stylesheet
CYCLE_MARK_STYLE = "color: #1a3fb7; font-style: italic"

CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table.trace { border-collapse: collapse; font-family: monospace; font-size: 12px; }
table.trace th, table.trace td { border: 1px solid #ccc; padding: 3px 6px; text-align: left;
  vertical-align: top; }
table.trace th { background: #eef2f7; }
table.trace td.num { text-align: right; color: #555; }
table.trace td.same { color: #999; }
table.trace td.moved { font-weight: bold; }
table.trace td.also { color: #555; }
table.trace tr.switch td { border-top: 2px dashed #888; }
table.trace tr.bad td { background: #fde4e4; color: #b71c1c; }
table.params { border-collapse: collapse; font-size: 13px; }
table.params th, table.params td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
p.broken { color: #b71c1c; font-weight: bold; }
code, pre { font-size: 12px; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
div.diagram { overflow-x: auto; margin: 1em 0; }
div.diagram svg { max-width: 100%; height: auto; }
"""


def _also(prev: dict[str, str] | None, state: dict[str, str], ws: list[str]) -> str:
    if prev is None:
        return ""
    return "; ".join(f"{k} = {v}" for k, v in state.items()
                     if k not in ws and prev.get(k) != v)


def trace_table(trace: Trace, prop: str) -> str:
    """The syscall line, the words' initial values, the step table and the broken promise,
    as HTML (one ``<table class="trace">``)."""
    ws = words(trace)
    e = escape
    out = [f"<pre>{e(syscall_line(trace, prop))}</pre>"]
    for p in trace.prologue:
        out.append(f"<p>before: <code>{e(p)}</code></p>")
    if trace.initial:
        init = ", ".join(f"{k} = {v}" for k, v in trace.initial.items() if k in ws)
        out.append(f"<p>initially: <code>{e(init)}</code></p>")
    out.append('<table class="trace"><tr><th>#</th><th>actor</th><th>action</th>'
               + "".join(f"<th>{e(w)}.s_wb_err</th>" for w in ws) + "<th>also changed</th></tr>")
    prev: dict[str, str] | None = dict(trace.initial) if trace.initial else None
    last = trace.steps[-1].index if trace.steps else 0
    prev_actor = None
    for s in trace.steps:
        cls = []
        if prev_actor is not None and s.actor != prev_actor:
            cls.append("switch")
        if s.index == last and trace.cycle_start is None:
            cls.append("bad")
        if trace.cycle_start is not None and s.index > trace.cycle_start:
            cls.append("cycle")  # a lasso's cycle (progress): repeats for ever
        if trace.cycle_start is not None and s.index == trace.cycle_start + 1:
            out.append(_cycle_mark(f"cycle: steps {s.index}-{last} repeat for ever", len(ws)))
        attr = f' class="{" ".join(cls)}"' if cls else ""
        if "cycle" in cls:  # styled inline: pages without a lasso keep the shared style
            attr += f' style="background: {CYCLE_BG}"'
        cells = []
        for w in ws:
            moved = prev is None or prev.get(w) != s.state[w]
            cells.append(f'<td class="{"moved" if moved else "same"}">{e(s.state[w])}</td>')
        out.append(f'<tr{attr}><td class="num">{s.index}</td><td>{e(s.actor)}</td>'
                   f"<td>{e(action_text(s))}</td>{''.join(cells)}"
                   f'<td class="also">{e(_also(prev, s.state, ws))}</td></tr>')
        prev, prev_actor = dict(s.state), s.actor
    if trace.cycle_start is not None:
        end = (f"back to step {trace.cycle_start + 1}" if trace.cycle_start < last
               else "nothing can move: the last state stutters for ever")
        out.append(_cycle_mark(end, len(ws)))
    out.append("</table>")
    out.append(f'<p class="broken">^ step {last}: {e(trace.reason)}</p>')
    if trace.pending:
        out.append("<p>still running when it breaks: <code>"
                   + e(" ; ".join(trace.pending)) + "</code></p>")
    return "\n".join(out)


def _cycle_mark(text: str, words: int) -> str:
    return (f'<tr class="cycle-mark" style="{CYCLE_MARK_STYLE}">'
            f'<td colspan="{words + 4}">{escape(text)}</td></tr>')


def diagram(trace: Trace, prop: str, title: str | None = None) -> str:
    """The SVG sequence diagram wrapped for inline use in a page."""
    return f'<div class="diagram">\n{render_svg(trace, prop, title, standalone=False)}</div>'


def headline(rep: TraceReport) -> str:
    """``copy-naive --lock none --scenario seed: double violated in 11 steps, ...``."""
    n = rep.trace.switches
    tag = ", outside the scheme's contract: by design" if rep.by_design else ""
    vfs = f" --vfs {rep.params.vfs}" if rep.params.vfs else ""
    return (f"{rep.scheme}{vfs} --lock {rep.lock} --scenario {rep.scenario}: {rep.prop} violated "
            f"in {len(rep.trace)} steps, {n} context switch{'' if n == 1 else 'es'}{tag}")


def render_page(rep: TraceReport) -> str:
    """One self-contained HTML page for one counterexample (``trace --format html``)."""
    e = escape
    head = headline(rep)
    params = "".join(f"<tr><th>{e(str(k))}</th><td>{e(_param(v))}</td></tr>"
                     for k, v in rep.params.to_json().items())
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>syncfs-mc trace: {e(rep.scheme)} {e(rep.prop)}</title>",
           f"<style>{CSS}</style></head><body>",
           f"<h1>{e(head)}</h1>",
           "<h2>Scenario</h2>",
           f'<p>scheme <code>{e(rep.scheme)}</code>, discipline <code>{e(rep.lock)}</code>, '
           f'scenario <code>{e(rep.scenario)}</code></p>',
           f'<table class="params">{params}</table>',
           "<h2>Trace</h2>", trace_table(rep.trace, rep.prop),
           "<h2>Sequence diagram</h2>",
           diagram(rep.trace, rep.prop, f"{rep.scheme} --lock {rep.lock}: {rep.prop}, "
                                        f"{len(rep.trace)} steps"),
           f'<p class="broken">{e(rep.trace.reason)}</p>',
           f"<p>replay: <code>syncfs-mc replay {e(rep.key)}</code></p>",
           "</body></html>"]
    return "\n".join(out) + "\n"


def _param(v: object) -> str:
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    return str(v)
