"""Plain-text rendering: verdict lines and counterexample traces in syscall notation.

A trace reads like the mailing-list thread: the whole interleaving as syscalls on one line,
then one row per atomic step with the decoded words of U and every overlay, and the step that
breaks the promise marked with the reason (DESIGN §7).
"""

from __future__ import annotations

import textwrap

from specs.results import CheckResult, PropertyResult, Trace, TraceStep, Verdict

ACTION_WIDTH = 64


def syscall_line(trace: Trace, prop: str) -> str:
    """``syscalls: P2: open(O) -> fd2 ; W: errseq_set(U,-EIO)  # error #1 ; ...  # double``."""
    calls = [s.syscall for s in trace.steps if s.syscall] + list(trace.pending)
    return "syscalls: " + " ; ".join(calls) + f"  # {prop}"


def action_text(step, sep: str = "  ") -> str:
    """A step's action with its call begin, error and return notes (``sep`` before the
    error and return notes)."""
    text = step.action
    begin = [n for n in step.notes if n.endswith("{")]
    end = [n for n in step.notes if n.startswith("}")]
    errs = [n for n in step.notes if n.startswith("[error")]
    if begin:
        text = f"{begin[0]} {text}"
    if errs:
        text = f"{text}{sep}{errs[0]}"
    if end:
        text = f"{text}{sep}{end[0]}"
    return text


def render_trace(trace: Trace, prop: str, changes_only: bool = False) -> str:
    """The step table of ``trace``: one row per atomic step with the decoded superblock words
    (U, then each overlay's, as the replay recorded them).  ``changes_only``: a word's column
    is blank where the step did not move it, the initial values are printed first, and
    ``also changed`` names the other shared variables a step changed (cursors, locks, the
    overlay's private fields)."""
    words = list(trace.words)
    prev: dict[str, str] | None = dict(trace.initial) if changes_only and trace.initial else None
    rows: list[tuple[TraceStep, list[str], str]] = []
    for s in trace.steps:
        if not changes_only:
            rows.append((s, [s.state[w] for w in words], ""))
            continue
        cells = [s.state[w] if prev is None or prev.get(w) != s.state[w] else "" for w in words]
        also = [f"{k} = {v}" for k, v in s.state.items()
                if k not in words and prev is not None and prev.get(k) != v]
        rows.append((s, cells, "; ".join(also)))
        prev = dict(s.state)
    heads = [f"{w}.s_wb_err" for w in words]
    widths = [max([len(h)] + [len(r[1][i]) for r in rows]) for i, h in enumerate(heads)]
    actor_w = max([5] + [len(s.actor) for s in trace.steps])
    lines = [syscall_line(trace, prop), ""]
    lines += [f"  before: {p}" for p in trace.prologue]
    if changes_only and trace.initial:
        lines.append("  initially: " + ", ".join(f"{w} = {trace.initial[w]}" for w in words
                                               if w in trace.initial))
    if trace.prologue or changes_only:
        lines.append("")
    head = f"{'#':>3}  {'actor':<{actor_w}}  {'action':<{ACTION_WIDTH}}"
    for h, w in zip(heads, widths, strict=True):
        head += f"  {h:<{w}}"
    lines.append((head + ("  also changed" if changes_only else "")).rstrip())
    cycle = trace.cycle_start
    for s, cells, also in rows:
        if cycle is not None and s.index == cycle + 1:
            lines.append(f"{'':>3}  --- cycle: steps {cycle + 1}-{len(trace.steps)} repeat "
                         "for ever ---")
        chunks = textwrap.wrap(action_text(s), ACTION_WIDTH, subsequent_indent="  ") or [""]
        row = f"{s.index:>3}  {s.actor:<{actor_w}}  {chunks[0]:<{ACTION_WIDTH}}"
        for c, width in zip(cells, widths, strict=True):
            row += f"  {c:<{width}}"
        lines.append((row + (f"  {also}" if changes_only else "")).rstrip())
        lines += [f"{'':>3}  {'':<{actor_w}}  {c}" for c in chunks[1:]]
    last = trace.steps[-1].index if trace.steps else 0
    if cycle is not None and cycle < len(trace.steps):
        lines.append(f"{'':>3}  --- back to step {cycle + 1} ---")
    elif cycle is not None:
        lines.append(f"{'':>3}  --- cycle: nothing can move; the last state stutters for ever ---")
    lines.append(f"{'':>3}  ^ step {last}: {trace.reason}")
    return "\n".join(lines)


def verdict_text(r: PropertyResult | None) -> str:
    """A verdict in a few words, as every table shows it: ``holds (N states)`` (SMT:
    ``holds (PROOF, depth D)``; with looping actors ``holds for any number of syncfs calls
    and errors (N states)``), ``violated (k steps)``, ``by design (k steps)`` (outside the
    scheme's contract), ``unknown (why)``; ``-`` when the property was not checked."""
    if r is None:
        return "-"
    if r.verdict is Verdict.VIOLATED:
        return f"{'by design' if r.by_design else 'violated'} ({r.trace_length} steps)"
    if r.verdict is Verdict.HOLDS:
        if r.engine == "smt":
            return f"holds ({r.proof}, depth {r.depth})"
        if r.reason.startswith("holds for any number"):  # a looping world (--syncs inf)
            return r.reason
        return f"holds ({r.stats.states} states)"
    return f"unknown ({r.reason})"


def render_check(result: CheckResult, show_traces: bool = True, timings: bool = True) -> str:
    """Verdict line per property, then each violation's trace (``timings=False``: without
    the seconds and MiB columns, so that two runs print the same bytes)."""
    p = result.params.to_json()
    out = [
        f"syncfs-mc: {result.scheme}"
        + "".join(f" --mount-option {o}" for o in result.mount_options)
        + (f" --vfs {result.params.vfs}" if result.params.vfs else "")
        + f" --lock {result.lock} --scenario {result.scenario} "
        f"(engine {result.engine})",
        "  " + ", ".join(f"{k}={v}" for k, v in p.items()),
        "",
    ]
    for r in result.results:
        for x in r.others or (r,):
            if x.engine == "smt":
                cost = f"{'depth ' + str(x.depth):>16} {'':>22}"
            else:
                cost = f"{x.stats.states:>9} states {x.stats.transitions:>10} transitions"
            tag = f" [{x.engine}]" if r.others else ""
            clock = f"  {x.stats.seconds:7.2f}s {x.stats.peak_mib:6.0f} MiB" if timings else ""
            line = f"  {r.prop:<9} {verdict_text(x):<34} {cost}{clock}{tag}"
            out.append(line.rstrip())
    for r in result.results:
        if show_traces and r.trace is not None:
            tag = "  (outside the scheme's contract: by design)" if r.by_design else ""
            out += ["", f"== {r.prop}: {r.reason}{tag}", "", render_trace(r.trace, r.prop)]
    return "\n".join(out)
