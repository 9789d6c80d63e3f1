"""A counterexample as an SVG sequence diagram, in pure Python (no Graphviz, no fonts read).

Layout, top to bottom: a title, then one lifeline column per actor (in order of first
appearance: ``W``, ``P1``, ...) and one per shared word (``U.s_wb_err``, ``O.s_wb_err``,
...), with the word's value before step 1 under its head.  Each atomic step is one row:

* an arrow from the actor to the word the step touches (the same word ``reports.diagram``
  finds), labelled with the operation (``WRITE_ONCE``, ``errseq_set.cmpxchg``), ending in a
  box on the word's lifeline with the word's decoded value after the step (bold when the
  step changed it); a step that touches no word (a lock, a private cursor) is a box on the
  actor's lifeline;
* to the right of the lifelines, the step number and the full action text
  (``reports.text.action_text``), wrapped;
* a dashed rule above the row when the actor differs from the previous step's: a context
  switch.

The violating step (the last) has a red row, a red arrow, and below the diagram a red note
naming the broken promise.  Geometry is computed from character counts with a fixed
monospace advance, so the output is the same bytes on every run.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from reports.diagram import actors, target, words
from reports.text import action_text
from specs.results import Trace, TraceStep

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
SIZE = 12  # px, text
SMALL = 11  # px, arrow labels and values
ADVANCE = 0.61  # monospace advance width / font size (DejaVu Sans Mono: 0.602)
LINE = 15  # px between wrapped text lines
PAD = 16  # px, outer margin
GUTTER = 58  # px, context switches and step numbers on the left
HEAD_H = 40  # px, lifeline head box
ACTION_CHARS = 64  # wrap width of the action column
MIN_COL = 130  # px, least distance between two lifelines
MAX_COL = 200  # px, most distance that arrow labels may ask for

RED = "#c62828"
CYCLE_BG = "#e4ecfd"  # a lasso's cycle
RED_BG = "#fde4e4"
SWITCH = "#8a8a8a"
ACTOR_FILL, WORD_FILL, VALUE_FILL = "#e3eefa", "#fff4d6", "#ffffff"


def _w(text: str, size: int = SIZE) -> float:
    return len(text) * size * ADVANCE


def _num(x: float) -> str:
    """Coordinates with at most one decimal: deterministic and compact."""
    r = round(x, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def op_label(step: TraceStep, word: str | None) -> str:
    """The operation a step performs on ``word`` (the word its arrow points to), without
    that operand: ``errseq_set(U).cmpxchg`` -> ``errseq_set.cmpxchg``; ``spin_lock(ofs.lock)``
    is kept whole (its operand is no word: it names what was touched)."""
    return step.step.replace(f"({word})", "") if word is not None else step.step


def _label_lines(label: str, room: float) -> list[str]:
    """``label`` on one line if it fits in ``room`` px, else split before its last ``.``
    (``check_and_advance`` / ``.read_cursor``); ``room`` 0: always split if it can."""
    if (room and _w(label, SMALL) <= room) or "." not in label:
        return [label]
    head, _, tail = label.rpartition(".")
    return [head, "." + tail]


@dataclass(frozen=True)
class _Row:
    step: TraceStep
    top: float
    height: float
    lines: tuple[str, ...]
    target: str | None
    changed: tuple[str, ...]
    labels: tuple[str, ...]  # the arrow (or box) label, one or two lines
    mid: float  # the arrow's height below the row's top


def _text(x: float, y: float, s: str, *, size: int = SIZE, anchor: str = "start",
          fill: str = "#222", weight: str = "normal", style: str = "normal") -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}" font-size="{size}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if fill != "#222":
        attrs += f' fill="{fill}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if style != "normal":
        attrs += f' font-style="{style}"'
    return f"<text {attrs}>{escape(s)}</text>"


def _rect(x: float, y: float, w: float, h: float, fill: str, stroke: str = "#555",
          width: float = 1, rx: int = 3) -> str:
    return (f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
            f'rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="{_num(width)}"/>')


def render_svg(trace: Trace, prop: str, title: str | None = None, standalone: bool = True
               ) -> str:
    """An SVG sequence diagram of ``trace`` (a counterexample to ``prop``); ``title``: the
    first line drawn (default: the property and the trace's length).  ``standalone``: a
    document of its own (with the SVG namespace); else an ``<svg>`` element to inline in
    HTML, which needs no namespace (and so holds no URL at all)."""
    ws = words(trace)
    acts = actors(trace)
    parts = acts + ws
    heads = {p: (f"{p}.s_wb_err" if p in ws else p) for p in parts}
    initial = dict(trace.initial) if trace.initial else (
        dict(trace.steps[0].state) if trace.steps else {})
    last = trace.steps[-1].index if trace.steps else 0

    # The distance between lifelines: wide enough for every head and value box, and for
    # arrow labels up to MAX_COL; a longer label goes on two lines (see _label_lines).
    value_w = max([_w(v, SMALL) for s in trace.steps for w, v in s.state.items() if w in ws]
                  + [_w(initial.get(w, ""), SMALL) for w in ws] + [40.0]) + 12
    col = max([MIN_COL, value_w + 24] + [_w(h) + 24 for h in heads.values()])
    need = col
    for s in trace.steps:
        t = target(s, ws)
        lab = max(_w(x, SMALL) for x in _label_lines(op_label(s, t), 0)) + 20
        if t is not None and t != s.actor:
            span = abs(parts.index(t) - parts.index(s.actor))
            need = max(need, (lab + value_w / 2) / span)
        else:
            need = max(need, lab + 12)
    col = float(round(max(col, min(need, MAX_COL))))
    x_of = {p: PAD + GUTTER + col / 2 + i * col for i, p in enumerate(parts)}
    text_x = PAD + GUTTER + len(parts) * col + 12
    width = text_x + _w("x" * ACTION_CHARS) + PAD

    title = title or f"{prop}: shortest counterexample, {len(trace)} steps"
    y = PAD + 16
    out_head = [_text(PAD, y, title, size=14, weight="bold")]
    for p in trace.prologue:
        y += LINE
        out_head.append(_text(PAD, y, f"before: {p}", fill="#555"))
    head_top = y + 14
    head_bottom = head_top + HEAD_H

    rows: list[_Row] = []
    prev = initial
    top = head_bottom + 14
    for s in trace.steps:
        lines = tuple(textwrap.wrap(f"{s.index:>2}. {action_text(s, sep=' ')}", ACTION_CHARS,
                                    subsequent_indent="      ") or [""])
        changed = tuple(w for w in ws if prev.get(w) != s.state.get(w))
        t = target(s, ws)
        if t is not None and t != s.actor:
            vw = _w(s.state[t], SMALL) + 12
            room = abs(x_of[t] - x_of[s.actor]) - vw / 2 - 12
        else:
            room = col - 12
        labels = tuple(_label_lines(op_label(s, t), room))
        mid = 19.0 + (LINE - 4) * (len(labels) - 1)
        h = max(mid + 11, len(lines) * LINE + 12)
        rows.append(_Row(s, top, h, lines, t, changed, labels, mid))
        top += h
        prev = s.state
    body_bottom = top + 6

    cyc = trace.cycle_start
    what = (f"step {last} violates {prop}: {trace.reason}" if cyc is None
            else f"{prop} violated, a lasso (blue: the cycle, repeating for ever): "
            f"{trace.reason}")
    note = textwrap.wrap(what,
                         int((width - 2 * PAD - 16) / (SIZE * ADVANCE)))
    pending = [f"still running when it breaks: {p}" for p in trace.pending]
    note_top = body_bottom + 12
    note_h = (len(note) + len(pending)) * LINE + 12
    height = note_top + note_h + PAD

    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [f'<svg{ns} width="{_num(width)}" '
           f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
           f'font-family="{FONT}" role="img">',
           f"<title>{escape(title)}</title>",
           f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>']
    out += out_head

    # Row backgrounds first (the violating row red, others striped), then lifelines.
    for k, r in enumerate(rows):
        bad = r.step.index == last and cyc is None
        looped = cyc is not None and r.step.index > cyc  # a lasso's cycle (progress)
        if bad or looped or k % 2:
            fill = RED_BG if bad else CYCLE_BG if looped else "#f7f7f7"
            out.append(f'<rect x="{_num(PAD)}" y="{_num(r.top)}" width="{_num(width - 2 * PAD)}"'
                       f' height="{_num(r.height)}" fill="{fill}"/>')
    for p in parts:
        x = x_of[p]
        out.append(f'<line x1="{_num(x)}" y1="{_num(head_bottom)}" x2="{_num(x)}" '
                   f'y2="{_num(body_bottom)}" stroke="#9a9a9a" stroke-dasharray="4 3"/>')
    for p in parts:
        x, label = x_of[p], heads[p]
        fill = WORD_FILL if p in ws else ACTOR_FILL
        bw = max(_w(label) + 16, 60.0)
        out.append(_rect(x - bw / 2, head_top, bw, HEAD_H, fill))
        if p in ws:
            out.append(_text(x, head_top + 16, label, anchor="middle", weight="bold"))
            out.append(_text(x, head_top + 32, f"= {initial.get(p, '?')}", size=SMALL,
                             anchor="middle", fill="#555"))
        else:
            out.append(_text(x, head_top + 25, label, anchor="middle", weight="bold"))
    out.append(_text(PAD + GUTTER - 4, head_bottom - 4, "#", anchor="end", fill="#555"))
    out.append(_text(text_x, head_bottom - 4, "step: action", fill="#555", weight="bold"))

    prev_actor = None
    for r in rows:
        s, bad = r.step, r.step.index == last
        ink = RED if bad else "#333"
        if prev_actor is not None and s.actor != prev_actor:
            out.append(f'<line x1="{_num(PAD)}" y1="{_num(r.top)}" x2="{_num(width - PAD)}" '
                       f'y2="{_num(r.top)}" stroke="{SWITCH}" stroke-width="1.2" '
                       'stroke-dasharray="7 4"/>')
            out.append(_text(PAD + 3, r.top + 11, f"\u21c4 {s.actor}", size=10, fill=SWITCH))
        prev_actor = s.actor
        mid = r.top + r.mid
        out.append(_text(PAD + GUTTER - 4, mid + 4, str(s.index), anchor="end",
                         fill=RED if bad else "#555", weight="bold" if bad else "normal"))
        ax = x_of[s.actor]
        shown = [w for w in ws if w in r.changed or w == r.target]
        if r.target is not None and r.target != s.actor:
            tx = x_of[r.target]
            vw = _w(s.state[r.target], SMALL) + 12
            end = tx - vw / 2 - 2 if tx > ax else tx + vw / 2 + 2
            head = 10 if bad else 8
            back = end - head if tx > ax else end + head
            out.append(f'<line x1="{_num(ax)}" y1="{_num(mid)}" x2="{_num(back)}" '
                       f'y2="{_num(mid)}" stroke="{ink}" stroke-width="{2 if bad else 1.3}"/>')
            out.append(f'<polygon points="{_num(end)},{_num(mid)} {_num(back)},'
                       f'{_num(mid - head / 2)} {_num(back)},{_num(mid + head / 2)}" '
                       f'fill="{ink}"/>')
            for i, lab in enumerate(r.labels):
                out.append(_text((ax + end) / 2, mid - 5 - (LINE - 4) * (len(r.labels) - 1 - i),
                                 lab, size=SMALL, anchor="middle", fill=ink))
        else:
            bw = max(_w(lab, SMALL) for lab in r.labels) + 12
            bh = 18 + (LINE - 4) * (len(r.labels) - 1)
            out.append(_rect(ax - bw / 2, mid + 9 - bh, bw, bh, "#eeeeee", stroke=ink,
                             width=2 if bad else 1))
            for i, lab in enumerate(r.labels):
                out.append(_text(ax, mid + 4 - (LINE - 4) * (len(r.labels) - 1 - i), lab,
                                 size=SMALL, anchor="middle", fill=ink))
        for w in shown:
            v = s.state[w]
            vw = _w(v, SMALL) + 12
            moved = w in r.changed
            out.append(_rect(x_of[w] - vw / 2, mid - 9, vw, 18, VALUE_FILL,
                             stroke=RED if bad and moved else "#555",
                             width=2 if moved else 1))
            out.append(_text(x_of[w], mid + 4, v, size=SMALL, anchor="middle",
                             fill=RED if bad and moved else ("#111" if moved else "#777"),
                             weight="bold" if moved else "normal"))
        for i, line in enumerate(r.lines):
            out.append(_text(text_x, r.top + 17 + i * LINE, line, fill=RED if bad else "#222",
                             weight="bold" if bad else "normal"))

    out.append(_rect(PAD, note_top, width - 2 * PAD, note_h, "#fff5f5", stroke=RED, width=1.5))
    y = note_top + 18
    for line in note:
        out.append(_text(PAD + 8, y, line, fill=RED, weight="bold"))
        y += LINE
    for line in pending:
        out.append(_text(PAD + 8, y, line, fill="#555"))
        y += LINE
    out.append("</svg>")
    return "\n".join(out) + "\n"
