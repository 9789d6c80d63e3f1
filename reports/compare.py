"""The comparison matrix: variants x properties, as text (optionally coloured), Markdown,
JSON and a self-contained HTML page, plus "what the discipline buys".

Renders :class:`specs.results.CompareResult` only; it never runs a check.  Cells read
``holds (N states)``, ``violated (k steps)``, ``by design (k steps)`` or ``unknown (why)``.
Output is deterministic: rows in the order the result holds them, no timings unless asked.
"""

from __future__ import annotations

import html
import json

from model.world import WorldParams
from reports import tracehtml
from reports.text import render_trace, syscall_line, verdict_text
from specs.results import CheckResult, CompareResult, Difference, PropertyResult, Verdict
from specs.scenarios import SCENARIOS

_COLOURS = {"holds": "32", "violated": "31", "by design": "35", "unknown": "33"}


def _kind(r: PropertyResult | None) -> str:
    if r is None:
        return ""
    if r.verdict is Verdict.VIOLATED:
        return "by design" if r.by_design else "violated"
    return r.verdict.value


def _cell_text(c: CheckResult, prop: str) -> str:
    """A matrix cell: the verdict, or ``incompatible`` when the cell was not checked."""
    return "incompatible" if c.incompatible else verdict_text(c.result(prop))


def _incompatible_lines(result: CompareResult) -> list[str]:
    """One line per cell whose scheme does not compose with its lock, with the reason."""
    many = _many_scenarios(result)
    return [f"{variant_name(c, many)}: {c.incompatible}" for c in result.cells
            if c.incompatible]


def variant_name(c: CheckResult, with_scenario: bool) -> str:
    mount = "".join(f" --mount-option {o}" for o in c.mount_options)
    name = f"{c.scheme}{mount} --lock {c.lock}"
    return f"{name} --scenario {c.scenario}" if with_scenario else name


def _many_scenarios(result: CompareResult) -> bool:
    return len({c.scenario for c in result.cells}) > 1


def _params_line(params: WorldParams) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.to_json().items())


def _groups(result: CompareResult) -> list[tuple[Difference, list[Difference]]]:
    """Differences sharing scheme, scenario, property and the breaking discipline (hence the
    same trace), in first-seen order: one line names every discipline that keeps it."""
    groups: dict[tuple[str, str, str, str], list[Difference]] = {}
    for d in result.differences:
        groups.setdefault((d.scheme, d.scenario, d.prop, d.broken), []).append(d)
    return [(ds[0], ds) for ds in groups.values()]


def _diff_line(d: Difference, same: list[Difference]) -> str:
    kept = ", ".join(f"{x.kept} ({x.kept_states} states)" for x in same)
    return (f"{d.scheme}, {d.scenario}, {d.prop}: breaks in {len(d.trace)} steps with "
            f"--lock {d.broken}; holds with --lock {kept}")


def render_text(result: CompareResult, colour: bool = False, traces: bool = False) -> str:
    """The matrix as an aligned table; ``colour``: ANSI colours (for a terminal)."""
    many = _many_scenarios(result)
    rows = [[variant_name(c, many)] + [_cell_text(c, p) for p in result.properties]
            for c in result.cells]
    kinds = [[""] + [_kind(c.result(p)) for p in result.properties] for c in result.cells]
    head = ["variant"] + list(result.properties)
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    out = []
    for name, params in result.scenarios.items():
        out.append(f"scenario {name}: {_params_line(params)}")
    out.append("")
    out.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
    for row, kind in zip(rows, kinds, strict=True):
        cells = []
        for text, k, w in zip(row, kind, widths, strict=True):
            padded = text.ljust(w)
            if colour and k in _COLOURS:
                padded = f"\x1b[{_COLOURS[k]}m{text}\x1b[0m" + " " * (w - len(text))
            cells.append(padded)
        out.append("  ".join(cells).rstrip())
    out.append("")
    if _incompatible_lines(result):
        out.append("Not checked (the scheme does not compose with the lock):")
        out += [f"  {line}" for line in _incompatible_lines(result)]
        out.append("")
    if result.differences:
        out.append("What the discipline buys (same scheme and scenario, only the lock differs):")
        for d, same in _groups(result):
            out.append(f"  {_diff_line(d, same)}")
            out.append(f"    {syscall_line(d.trace, d.prop)}")
            out.append(f"    replay: syncfs-mc replay {d.key}")
    else:
        out.append("What the discipline buys: no property differs between disciplines here.")
    if traces:
        for c in result.cells:
            for r in c.results:
                if r.trace is not None:
                    out += ["", f"== {variant_name(c, many)}: {r.reason}", "",
                            render_trace(r.trace, r.prop)]
    return "\n".join(out)


def render_markdown(result: CompareResult) -> str:
    """The matrix as a GitHub-flavoured Markdown table, then what each discipline buys."""
    many = _many_scenarios(result)
    out = ["# syncfs-mc compare", ""]
    for name, params in result.scenarios.items():
        out.append(f"* scenario `{name}`: {_params_line(params)}")
    out += ["", "| variant | " + " | ".join(result.properties) + " |",
            "|---|" + "---|" * len(result.properties)]
    for c in result.cells:
        cells = []
        for p in result.properties:
            r = c.result(p)
            t = _cell_text(c, p)
            cells.append(f"**{t}**" if _kind(r) == "violated" else t)
        out.append(f"| `{variant_name(c, many)}` | " + " | ".join(cells) + " |")
    if _incompatible_lines(result):
        out += ["", "Not checked (the scheme does not compose with the lock):", ""]
        out += [f"* `{line}`" for line in _incompatible_lines(result)]
    out += ["", "## What the discipline buys", ""]
    if not result.differences:
        out.append("No property differs between disciplines here.")
    for d, same in _groups(result):
        out.append(f"* {_diff_line(d, same)}:  ")
        out.append(f"  `{syscall_line(d.trace, d.prop)}`  ")
        out.append(f"  replay: `syncfs-mc replay {d.key}`")
    return "\n".join(out) + "\n"


def render_json(result: CompareResult) -> str:
    """One JSON object (``CompareResult.to_json``), keys in a fixed order."""
    return json.dumps(result.to_json(), indent=1)


_CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table.matrix { border-collapse: collapse; }
table.matrix th, table.matrix td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; }
td.holds { background: #e6f4e6; } td.violated { background: #fbe3e3; }
td.by-design { background: #efe6f7; } td.unknown { background: #fdf5d8; }
td a { color: inherit; }
section { border-top: 1px solid #ccc; margin-top: 2em; }
""" + tracehtml.CSS


def render_html(result: CompareResult) -> str:
    """One self-contained page (no network, no script): parameters, the matrix with each
    violating cell linking to a section with its trace table and its inline SVG sequence
    diagram, and the differences."""
    many = _many_scenarios(result)
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>syncfs-mc compare</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>syncfs-mc compare</h1>", "<h2>Scenarios</h2>", "<ul>"]
    for name, params in result.scenarios.items():
        doc = SCENARIOS[name][1] if name in SCENARIOS else ""
        out.append(f"<li><b>{e(name)}</b>: {e(doc)}<br><code>{e(_params_line(params))}</code>"
                   "</li>")
    out += ["</ul>", '<h2 id="matrix">Matrix</h2>', '<table class="matrix"><tr><th>variant</th>']
    out += [f"<th>{e(p)}</th>" for p in result.properties]
    out.append("</tr>")
    anchors: list[tuple[str, CheckResult, PropertyResult]] = []
    for i, c in enumerate(result.cells):
        out.append(f"<tr><th>{e(variant_name(c, many))}</th>")
        for p in result.properties:
            r = c.result(p)
            kind = _kind(r).replace(" ", "-")
            text = e(_cell_text(c, p))
            if r is not None and r.trace is not None:
                anchor = f"t{i}-{p}"
                anchors.append((anchor, c, r))
                text = f'<a href="#{anchor}">{text}</a>'
            out.append(f'<td class="{kind}">{text}</td>')
        out.append("</tr>")
    out.append("</table>")
    if _incompatible_lines(result):
        out.append("<p>Not checked (the scheme does not compose with the lock):</p><ul>")
        out += [f"<li><code>{e(line)}</code></li>" for line in _incompatible_lines(result)]
        out.append("</ul>")
    out += ["<h2>What the discipline buys</h2>", "<ul>"]
    if not result.differences:
        out.append("<li>No property differs between disciplines here.</li>")
    for d, same in _groups(result):
        out.append(f"<li>{e(_diff_line(d, same))}<br><code>{e(syscall_line(d.trace, d.prop))}"
                   f"</code><br>replay: <code>syncfs-mc replay {e(d.key)}</code>"
                   "</li>")
    out += ["</ul>", "<h2>Counterexamples</h2>"]
    for anchor, c, r in anchors:
        assert r.trace is not None
        tag = " (outside the scheme's contract: by design)" if r.by_design else ""
        out += [f'<section id="{anchor}">',
                f"<h3>{e(variant_name(c, many))}: {e(r.prop)}</h3>",
                f"<p>{e(r.reason)}{e(tag)}</p>",
                f"<p>replay: <code>syncfs-mc replay {e(r.key)}</code></p>",
                tracehtml.trace_table(r.trace, r.prop),
                tracehtml.diagram(r.trace, r.prop, f"{variant_name(c, many)}: {r.prop}, "
                                                   f"{len(r.trace)} steps"),
                '<p><a href="#matrix">back to the matrix</a></p>',
                "</section>"]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
