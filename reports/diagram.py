"""Sequence diagrams of a counterexample: Mermaid and Graphviz (dot).

One lifeline per actor (in order of first appearance: ``P1``, ``W``, ...) and one per shared
word (``U``, ``O``, ...).  A step that accesses a word is an arrow from its actor to the word,
labelled with what it did; any other step (a lock, a private cursor) is a note on the actor's
lifeline.  The violating step (the last) is highlighted and the broken promise named.
"""

from __future__ import annotations

from reports.text import action_text
from specs.results import Trace, TraceStep


def _words(trace: Trace) -> list[str]:
    """The superblock words drawn as lifelines (U, then each overlay's), as replayed."""
    return list(trace.words)


def _actors(trace: Trace) -> list[str]:
    return list(dict.fromkeys(trace.schedule))


def _target(step: TraceStep, words: list[str]) -> str | None:
    """The word the step's arrow points to: the one it wrote, else the one it read (recorded
    by the replay from the step's assignments); None: a note on the actor's lifeline."""
    return step.touched(tuple(words))


#: what the other renderers (``reports.svg``) share with these diagrams
words, actors, target = _words, _actors, _target


def _label(step: TraceStep) -> str:
    return f"{step.index}. {action_text(step, sep=' ')}"


_MERMAID_ESC = {"#": "#35;", ";": "#59;", "\n": " "}


def _mermaid_text(s: str) -> str:
    """Message text safe inside a Mermaid statement (``#`` and ``;`` as entity codes)."""
    return "".join(_MERMAID_ESC.get(ch, ch) for ch in s)


def render_mermaid(trace: Trace, prop: str) -> str:
    """A Mermaid ``sequenceDiagram`` of ``trace``."""
    words = _words(trace)
    lines = ["sequenceDiagram"]
    for a in _actors(trace):
        lines.append(f"    participant {a}")
    for w in words:
        lines.append(f"    participant {w} as {w}.s_wb_err")
    last = trace.steps[-1].index if trace.steps else 0
    cyc = trace.cycle_start
    for s in trace.steps:
        if cyc is not None and s.index == cyc + 1:
            lines.append(f"    Note over {_actors(trace)[0]}: cycle: steps {s.index}-{last} "
                         "repeat for ever")
        bad = s.index == last and cyc is None
        if bad:
            lines.append("    rect rgb(255, 205, 205)")
        t = _target(s, words)
        label = _mermaid_text(_label(s))
        pad = "        " if bad else "    "
        if t is not None:
            lines.append(f"{pad}{s.actor}->>{t}: {label}")
        else:
            lines.append(f"{pad}Note over {s.actor}: {label}")
        if bad:
            lines.append(f"        Note over {s.actor}: {_mermaid_text('violated: ' + prop)}")
            lines.append("    end")
    if cyc is not None:
        back = f"back to step {cyc + 1}" if cyc < last else "nothing can move: stutters"
        lines.append(f"    Note over {_actors(trace)[0]}: {back}")
    return "\n".join(lines) + "\n"


def _dot_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def render_dot(trace: Trace, prop: str) -> str:
    """A Graphviz digraph drawn as a sequence diagram: lifelines as columns of points, one
    row per step, messages as horizontal edges; the violating step in red."""
    words = _words(trace)
    parts = _actors(trace) + words
    ids = {p: f"p{i}" for i, p in enumerate(parts)}
    n = len(trace.steps)
    out = ["digraph trace {", '    graph [rankdir=TB, nodesep=1.2, ranksep=0.35, '
           f'label="{_dot_text(prop)}: shortest counterexample", labelloc=t];',
           '    node [shape=point, width=0.01, height=0.01];',
           '    edge [arrowhead=none, style=dashed, color=gray];']
    for p in parts:
        head = f"{p}.s_wb_err" if p in words else p
        out.append(f'    {ids[p]}_0 [shape=box, width=0.8, height=0.3, label="{_dot_text(head)}"];')
    for k in range(1, n + 1):
        out.append("    { rank=same; " + " ".join(f"{ids[p]}_{k};" for p in parts) + " }")
    for p in parts:
        chain = " -> ".join(f"{ids[p]}_{k}" for k in range(n + 1))
        out.append(f"    {chain};")
    out.append("    { rank=same; " + " ".join(f"{ids[p]}_0;" for p in parts) + " }")
    for a, b in zip(parts, parts[1:], strict=False):
        out.append(f"    {ids[a]}_0 -> {ids[b]}_0 [style=invis];")
    last = trace.steps[-1].index if trace.steps else 0
    for k, s in enumerate(trace.steps, start=1):
        colour = ', color=red, fontcolor=red, penwidth=2' if s.index == last else ''
        if trace.cycle_start is not None:  # a lasso (progress): its cycle in blue
            colour = ', color=blue, fontcolor=blue' if s.index > trace.cycle_start else ''
        label = _dot_text(_label(s))
        if trace.cycle_start is not None and s.index == trace.cycle_start + 1:
            label = "[cycle] " + label
        t = _target(s, words)
        if t is not None and t != s.actor:
            out.append(f'    {ids[s.actor]}_{k} -> {ids[t]}_{k} [style=solid, arrowhead=normal, '
                       f'constraint=false, color=black, label="{label}"{colour}];')
        else:
            out.append(f'    {ids[s.actor]}_{k} [xlabel="{label}"'
                       + (", fontcolor=red" if s.index == last and trace.cycle_start is None
                          else "") + "];")
    out.append("}")
    return "\n".join(out) + "\n"
