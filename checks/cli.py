"""The ``syncfs-mc`` command line: ``list``, ``check``, ``compare``, ``trace``, ``replay``.

Exit codes: 0 every checked property holds (violations a scheme declares by design do not
count), 1 a property is violated, 2 usage or input error (one line on stderr), 3 the engines
disagree or a counterexample failed to replay (a bug in syncfs-mc: please report it), 4 no
violation found but some verdict is unknown (a limit was hit).
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from checks import compare
from checks.progress import interrupt_summary, progress_line
from checks.replay import ReplayError
from checks.runner import (
    ENGINES,
    MINIMIZE,
    Budget,
    EngineDisagreement,
    check_property,
    replay_schedule,
)
from checks.runner import check as run_check
from model.errseq import ERRNO_NAMES, ERRNO_NUMBERS, MAX_ERRNO
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from model.world import OPEN_AT, SYNC_FS_ERRORS, WorldParams
from reports import compare as render_compare
from reports import trace as render_trace_doc
from reports.text import render_check, verdict_cell
from specs.properties import PROPERTIES
from specs.replaykey import BadKey, make_key, parse_key
from specs.results import CheckResult, TraceReport, Verdict
from specs.scenarios import DEFAULT_SCENARIO, SCENARIOS

EXIT_OK, EXIT_VIOLATED, EXIT_USAGE, EXIT_BUG, EXIT_UNKNOWN = 0, 1, 2, 3, 4

#: bounds past which a check cannot finish in reasonable time; say so instead of hanging
MAX_ACTORS = 8
MAX_SYNCS = 6
MAX_ERRORS = 8
#: --max-memory ceiling (MiB): 1 TiB; anything above it is a typo, not a budget
MAX_MEMORY_MIB = 1 << 20


class InputError(click.UsageError):
    """Bad input: reported as one line on stderr, exit code 2."""


def _pick(kind: str, name: str, valid: Sequence[str]) -> str:
    if name in valid:
        return name
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise InputError(f"unknown {kind} {name!r} (valid: {', '.join(valid)}){hint}")


def parse_errors(text: str) -> tuple[int, ...]:
    """``EIO,ENOSPC`` or ``5,28`` -> errno numbers, each in 1..MAX_ERRNO."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise InputError(f"--errors: empty entry in {text!r}")
        if item.lstrip("-").isdigit():
            num = abs(int(item))
            if not 1 <= num <= MAX_ERRNO:
                raise InputError(f"--errors: errno {item} outside 1..{MAX_ERRNO} "
                                 "(errseq_set WARNs and ignores it)")
        else:
            if item.upper() not in ERRNO_NUMBERS:
                raise InputError(f"--errors: unknown errno name {item!r} (known: "
                                 f"{', '.join(ERRNO_NAMES.values())}, or a number 1..4095)")
            num = ERRNO_NUMBERS[item.upper()]
        out.append(num)
    if len(out) > MAX_ERRORS:
        raise InputError(f"--errors: {len(out)} errors; at most {MAX_ERRORS} keep a check "
                         "finite in practice")
    return tuple(out)


def _bounded(name: str, value: int | None, lo: int, hi: int, why: str) -> None:
    if value is not None and not lo <= value <= hi:
        raise InputError(f"{name} must be in {lo}..{hi}, got {value} ({why})")


def scenario_params(scenario: str, **over: object) -> WorldParams:
    """The scenario's bounds with the CLI's overrides applied and validated."""
    base = SCENARIOS[_pick("scenario", scenario, list(SCENARIOS))][0]
    _bounded("--syncers", over.get("syncers"), 1, MAX_ACTORS, "overlay files, one process each")
    _bounded("--syncs", over.get("syncs"), 1, MAX_SYNCS, "syncfs calls per overlay file")
    _bounded("--upper-syncers", over.get("upper_syncers"), 0, MAX_ACTORS,
             "processes with a file on U")
    _bounded("--upper-syncs", over.get("upper_syncs"), 1, MAX_SYNCS, "syncfs calls per file on U")
    _bounded("--counter-bits", over.get("counter_bits"), 1, 32,
             "the kernel's counter has 19 bits; widths past 32 change nothing")
    _bounded("--overlays", over.get("overlays"), 1, 4, "overlays on the one upper")
    _bounded("--threads", over.get("threads_per_file"), 1, 4, "threads sharing each file")
    changes = {k: v for k, v in over.items() if v is not None}
    p = dataclasses.replace(base, **changes)
    if p.overlays > p.syncers:
        raise InputError(f"--overlays {p.overlays} needs at least as many --syncers "
                         f"(got {p.syncers}): each overlay gets files round-robin")
    actors = p.syncers * p.threads_per_file + p.upper_syncers + 1
    if actors > MAX_ACTORS + 1:
        raise InputError(f"{actors - 1} syncing threads; at most {MAX_ACTORS} keep a check "
                         "finite in practice")
    return p


def check_output_path(path: str) -> Path:
    """Fail early (exit 2) when ``--output`` cannot be written, before any search runs."""
    p = Path(path)
    if not path or path.endswith(os.sep) or p.is_dir():
        raise InputError(f"--output {path!r} is a directory; name a file")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--output {path!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--output {path!r}: directory {str(parent)!r} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"--output {path!r}: the file exists and is not writable")
    return p


def _default_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, flush it to disk, then rename it
    over ``path``: a reader (or an interrupted run) sees the old file or the whole new one,
    never a truncated report.  The temporary file is removed on any failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
            os.fchmod(f.fileno(), _default_mode())  # mkstemp makes it 0600: a report is shared
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _exit_code(result: CheckResult) -> int:
    if any(r.verdict is Verdict.VIOLATED and not r.by_design for r in result.results):
        return EXIT_VIOLATED
    if any(r.verdict is Verdict.UNKNOWN for r in result.results):
        return EXIT_UNKNOWN
    return EXIT_OK


_BOUND_OPTIONS = [
    click.option("--syncers", type=int, help="overlay files, one process each"),
    click.option("--syncs", type=int, help="syncfs calls per overlay file"),
    click.option("--upper-syncers", type=int, help="processes with a file directly on U"),
    click.option("--upper-syncs", type=int, help="syncfs calls per upper file"),
    click.option("--errors", help="writeback errors injected on U, in order: EIO,ENOSPC"),
    click.option("--counter-bits", type=int, help="errseq counter width (kernel: 19)"),
    click.option("--overlays", type=int, help="overlays mounted on the one upper"),
    click.option("--threads", type=int, help="threads sharing each overlay file"),
    click.option("--sync-fs-errors", help="returned (v5.17+) | ignored (before v5.17)"),
    click.option("--open-first", is_flag=True, help="open every file before anything runs"),
]


def variant_options(f):
    """``--lock``, ``--flock`` and ``--scenario``: which variant, where (check, trace,
    export, spin)."""
    f = click.option("--scenario", default=DEFAULT_SCENARIO, show_default=True)(f)
    f = click.option("--flock", is_flag=True,
                     help="the VFS advances f_sb_err under f_lock")(f)
    return click.option("--lock", "lock", default="none", show_default=True,
                        help="locking discipline")(f)


def bound_options(f):
    """The scenario-bound overrides every checking command accepts (DESIGN §7)."""
    for opt in reversed(_BOUND_OPTIONS):
        f = opt(f)
    return f


def bounds_from(scenario: str, flock: bool, syncers: int | None, syncs: int | None,
                upper_syncers: int | None, upper_syncs: int | None, errors: str | None,
                counter_bits: int | None, overlays: int | None, threads: int | None,
                sync_fs_errors: str | None, open_first: bool) -> WorldParams:
    """``scenario``'s bounds with the command line's overrides, validated."""
    if sync_fs_errors is not None:
        _pick("--sync-fs-errors value", sync_fs_errors, list(SYNC_FS_ERRORS))
    return scenario_params(
        scenario, syncers=syncers, syncs=syncs, upper_syncers=upper_syncers,
        upper_syncs=upper_syncs, errors=parse_errors(errors) if errors is not None else None,
        counter_bits=counter_bits, overlays=overlays, threads_per_file=threads,
        sync_fs_errors=sync_fs_errors, flock=True if flock else None,
        open_at="first" if open_first else None)


def _props(props: tuple[str, ...]) -> list[str]:
    chosen: list[str] = []
    for p in props:
        for name in p.split(","):
            chosen.append(_pick("property", name.strip(), list(PROPERTIES)))
    return list(dict.fromkeys(chosen))


def _limits(max_states: int | None, max_seconds: float | None) -> None:
    if max_states is not None and max_states < 1:
        raise InputError(f"--max-states must be positive, got {max_states}")
    if max_seconds is not None and max_seconds <= 0:
        raise InputError(f"--max-seconds must be positive, got {max_seconds}")
    if max_seconds is not None and not math.isfinite(max_seconds):
        raise InputError(f"--max-seconds must be a finite number, got {max_seconds}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """syncfs-mc: model checker for errseq_t propagation races between overlayfs and its
    upper filesystem."""
    load_catalogue()


@cli.command("list")
def list_cmd() -> None:
    """Schemes, locking disciplines, properties and scenarios."""
    click.echo("schemes:")
    for name, s in SCHEMES.items():
        click.echo(f"  {name:<14} {s.summary}")
        click.echo(f"  {'':<14} ({s.provenance})")
    click.echo("disciplines (--lock):")
    for name, d in DISCIPLINES.items():
        click.echo(f"  {name:<14} {d.summary}")
    click.echo("properties (--property):")
    for name, prop in PROPERTIES.items():
        click.echo(f"  {name:<14} {prop.doc}")
    click.echo("scenarios (--scenario):")
    for name, (_, doc) in SCENARIOS.items():
        click.echo(f"  {name:<14} {doc}")


@cli.command("check")
@click.option("--minimize", default="steps", show_default=True,
              help="steps (any shortest trace) | preemptions (fewest context switches among them)")
@click.argument("scheme")
@variant_options
@click.option("--property", "props", multiple=True, help="property to check (repeatable)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--engine", default="explicit", show_default=True,
              help="explicit (BFS) | smt (z3 bounded model checking) | both (cross-checked)")
@bound_options
@click.option("--max-states", type=int, help="give up (unknown) past this many states")
@click.option("--max-seconds", type=float, help="give up (unknown) after this many seconds")
@click.option("--max-depth", type=int, help="smt: give up (unknown) past this depth [200]")
@click.option("--no-symmetry", is_flag=True,
              help="explicit: store every state, not one per permutation of identical actors")
@click.option("--por/--no-por", default=False, show_default=True,
              help="explicit: partial-order reduction (pays only on big proofs; see README)")
@click.option("--max-memory", type=int, metavar="MIB",
              help="explicit: give up (unknown) when the process holds more than MIB MiB")
@click.option("--no-timings", is_flag=True,
              help="leave out seconds and memory: the output is the same on every run")
@click.option("--output", metavar="FILE",
              help="write the report to FILE (atomically: temporary file, then rename)")
def check_cmd(scheme: str, lock: str, flock: bool, scenario: str, props: tuple[str, ...],
              as_json: bool, engine: str, syncers: int | None, syncs: int | None,
              upper_syncers: int | None, upper_syncs: int | None, errors: str | None,
              counter_bits: int | None, overlays: int | None, threads: int | None,
              sync_fs_errors: str | None, open_first: bool, max_states: int | None,
              max_seconds: float | None, max_depth: int | None, minimize: str,
              no_symmetry: bool, por: bool, max_memory: int | None, no_timings: bool,
              output: str | None) -> None:
    """Check SCHEME: a verdict per property, the shortest trace for each violation."""
    scheme = _pick("scheme", scheme, list(SCHEMES))
    lock = _pick("discipline", lock, list(DISCIPLINES))
    chosen = _props(props)
    _limits(max_states, max_seconds)
    engine = _pick("engine", engine, list(ENGINES))
    _bounded("--max-depth", max_depth, 1, 10_000, "transitions unrolled by the SMT engine")
    _bounded("--max-memory", max_memory, 1, MAX_MEMORY_MIB, "MiB of resident memory")
    if max_depth is not None and engine == "explicit":
        raise InputError("--max-depth bounds the smt engine only; add --engine smt or both, "
                         "or use --max-states")
    if max_memory is not None and engine == "smt":
        raise InputError("--max-memory bounds the explicit engine only; use --engine explicit "
                         "or both, or --max-seconds")
    if open_first and scenario == "late-open":
        raise InputError("--open-first conflicts with --scenario late-open, whose files are "
                         "opened after the errors; pick one")
    out_path = check_output_path(output) if output is not None else None
    params = bounds_from(scenario, flock, syncers, syncs, upper_syncers, upper_syncs, errors,
                         counter_bits, overlays, threads, sync_fs_errors, open_first)
    minimize = _pick("--minimize value", minimize, list(MINIMIZE))
    if minimize != "steps" and engine != "explicit":
        raise InputError("--minimize preemptions needs --engine explicit")
    budget = Budget(max_states, max_seconds, max_depth or 200, minimize,
                    symmetry=not no_symmetry, por=por,
                    max_mib=float(max_memory) if max_memory is not None else None)
    line = progress_line() if engine != "smt" else None
    try:
        result = run_check(scheme, lock, scenario, params, chosen or None,
                           engine=engine, budget=budget, progress=line)
    except (EngineDisagreement, ReplayError) as e:
        click.echo(f"syncfs-mc: BUG: {e}", err=True)
        sys.exit(EXIT_BUG)
    finally:
        if line is not None:
            line.clear()
    timings = not no_timings
    if as_json:
        text = json.dumps(result.to_json(timings), indent=2, sort_keys=False)
    else:
        text = render_check(result, timings=timings)
    if out_path is None:
        click.echo(text)
    else:
        try:
            write_atomically(out_path, text + "\n")
        except OSError as e:
            raise InputError(f"--output {output!r}: {e.strerror or e}") from None
    sys.exit(_exit_code(result))


COMPARE_FORMATS = ("text", "markdown", "json", "html")


def write_output(text: str, path: str | None) -> None:
    """Print ``text``, or write it to ``path`` through a temporary file renamed into place
    (a reader never sees half a report)."""
    if path is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = Path(os.path.abspath(path))
    if not target.parent.is_dir():
        raise InputError(f"-o: directory {target.parent} does not exist")
    write_atomically(target, text if text.endswith("\n") else text + "\n")


def _progress_bar() -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal's stderr; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        fill = width * done // total
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} checks")
        if done == total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()

    return show


@cli.command("compare")
@click.option("--minimize", default="steps", show_default=True,
              help="steps (any shortest trace) | preemptions (fewest context switches among them)")
@click.option("--scheme", "schemes", multiple=True, help="scheme (repeatable; default: all)")
@click.option("--lock", "locks", multiple=True, help="discipline (repeatable; default: all)")
@click.option("--scenario", "scenarios", multiple=True,
              help=f"scenario (repeatable; default: {DEFAULT_SCENARIO})")
@click.option("--property", "props", multiple=True, help="property (repeatable; default: all)")
@click.option("--flock", is_flag=True, help="the VFS advances f_sb_err under f_lock")
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | markdown | json | html")
@click.option("-o", "--output", help="write the report to this file")
@click.option("--traces", is_flag=True, help="text: also print every counterexample")
@click.option("--jobs", type=int, help="worker processes (default: one per core)")
@bound_options
@click.option("--max-states", type=int, help="give up (unknown) past this many states")
@click.option("--max-seconds", type=float, help="give up (unknown) after this many seconds")
def compare_cmd(schemes: tuple[str, ...], locks: tuple[str, ...], scenarios: tuple[str, ...],
                props: tuple[str, ...], flock: bool, fmt: str, output: str | None,
                traces: bool, jobs: int | None, max_states: int | None,
                max_seconds: float | None, minimize: str, **bounds) -> None:
    """Check every scheme x discipline x scenario and print the matrix variants x
    properties, then what each discipline buys over the others."""
    fmt = _pick("format", fmt, list(COMPARE_FORMATS))
    names = [_pick("scheme", x, list(SCHEMES)) for x in _split(schemes)] or list(SCHEMES)
    disciplines = ([_pick("discipline", x, list(DISCIPLINES)) for x in _split(locks)]
                   or list(DISCIPLINES))
    scens = ([_pick("scenario", x, list(SCENARIOS)) for x in _split(scenarios)]
             or [DEFAULT_SCENARIO])
    chosen = _props(props) or list(PROPERTIES)
    _limits(max_states, max_seconds)
    _bounded("--jobs", jobs, 1, 256, "worker processes")
    cells = []
    for scen in dict.fromkeys(scens):
        params = bounds_from(scen, flock, **bounds)
        for name in dict.fromkeys(names):
            for lock in dict.fromkeys(disciplines):
                cells.append(compare.Cell(name, lock, scen, params))
    try:
        budget = Budget(max_states, max_seconds,
                        minimize=_pick("--minimize value", minimize, list(MINIMIZE)))
        result = compare.run(cells, chosen, budget, jobs,
                             _progress_bar())
    except (EngineDisagreement, ReplayError) as e:
        click.echo(f"syncfs-mc: BUG: {e}", err=True)
        sys.exit(EXIT_BUG)
    if fmt == "text":
        colour = output is None and sys.stdout.isatty()
        text = render_compare.render_text(result, colour=colour, traces=traces)
    else:
        text = {"markdown": render_compare.render_markdown, "json": render_compare.render_json,
                "html": render_compare.render_html}[fmt](result)
    write_output(text, output)
    sys.exit(EXIT_OK)


@cli.command("trace")
@click.option("--minimize", default="steps", show_default=True,
              help="steps (any shortest trace) | preemptions (fewest context switches among them)")
@click.argument("scheme")
@click.option("--property", "prop", required=True, help="the property to break")
@variant_options
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | json | mermaid | dot | svg | html")
@click.option("-o", "--output", help="write the trace to this file")
@bound_options
@click.option("--max-states", type=int, help="give up (unknown) past this many states")
@click.option("--max-seconds", type=float, help="give up (unknown) after this many seconds")
def trace_cmd(scheme: str, prop: str, lock: str, flock: bool, scenario: str, fmt: str,
              output: str | None, max_states: int | None, max_seconds: float | None,
              minimize: str, **bounds) -> None:
    """The shortest counterexample to one property of SCHEME, as a table, JSON or a
    sequence diagram, with a replay key."""
    scheme = _pick("scheme", scheme, list(SCHEMES))
    lock = _pick("discipline", lock, list(DISCIPLINES))
    prop = _pick("property", prop, list(PROPERTIES))
    fmt = _pick("format", fmt, list(render_trace_doc.FORMATS))
    _limits(max_states, max_seconds)
    params = bounds_from(scenario, flock, **bounds)
    line = progress_line()
    try:
        r = check_property(scheme, lock, params, prop, budget=Budget(
            max_states, max_seconds, minimize=_pick("--minimize value", minimize,
                                                    list(MINIMIZE))), progress=line)
    except ReplayError as e:
        click.echo(f"syncfs-mc: BUG: {e}", err=True)
        sys.exit(EXIT_BUG)
    finally:
        if line is not None:
            line.clear()
    if r.trace is None:
        click.echo(f"{scheme} --lock {lock} --scenario {scenario}: {prop} "
                   f"{verdict_cell(r)}: no counterexample", err=True)
        sys.exit(EXIT_OK if r.verdict is Verdict.HOLDS else EXIT_UNKNOWN)
    key = make_key(scheme, lock, scenario, prop, params, r.trace.schedule)
    rep = TraceReport(scheme, lock, scenario, prop, params.as_dict(), r.trace, str(key),
                      r.by_design)
    write_output(render_trace_doc.render(rep, fmt), output)
    sys.exit(EXIT_OK if r.by_design else EXIT_VIOLATED)


@cli.command("replay")
@click.argument("key")
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | json | mermaid | dot | svg | html")
@click.option("-o", "--output", help="write the trace to this file")
def replay_cmd(key: str, fmt: str, output: str | None) -> None:
    """Re-run the exact interleaving a replay KEY names (printed by `trace` and `compare`)
    through the reference interpreter, and print its trace."""
    fmt = _pick("format", fmt, list(render_trace_doc.FORMATS))
    try:
        k = parse_key(key)
    except BadKey as e:
        raise InputError(str(e)) from None
    scheme = _pick("scheme", k.scheme, list(SCHEMES))
    lock = _pick("discipline", k.lock, list(DISCIPLINES))
    scenario = _pick("scenario", k.scenario, list(SCENARIOS))
    prop = _pick("property", k.prop, list(PROPERTIES))
    over = dict(k.overrides)
    if "sync_fs_errors" in over:
        _pick("--sync-fs-errors value", over["sync_fs_errors"], list(SYNC_FS_ERRORS))
    if "open_at" in over:
        _pick("open_at value", over["open_at"], list(OPEN_AT))
    params = scenario_params(scenario, **over)
    try:
        trace = replay_schedule(scheme, lock, params, prop, k.schedule)
    except ReplayError as e:
        raise InputError(f"the key does not replay to a {prop} violation: {e}") from None
    rep = TraceReport(scheme, lock, scenario, prop, params.as_dict(), trace, str(k),
                      prop in SCHEMES[scheme].by_design)
    write_output(render_trace_doc.render(rep, fmt), output)
    sys.exit(EXIT_OK if rep.by_design else EXIT_VIOLATED)


EXPORT_FORMATS = ("promela",)


def _export_setup(scheme: str, lock: str, prop: str, scenario: str, flock: bool,
                  bounds: dict) -> tuple[str, str, str, WorldParams]:
    """Validated scheme, discipline, property and bounds of ``export`` and ``spin``."""
    scheme = _pick("scheme", scheme, list(SCHEMES))
    lock = _pick("discipline", lock, list(DISCIPLINES))
    prop = _pick("property", prop, list(PROPERTIES))
    if bounds.get("open_first") and scenario == "late-open":
        raise InputError("--open-first conflicts with --scenario late-open, whose files are "
                         "opened after the errors; pick one")
    return scheme, lock, prop, bounds_from(scenario, flock, **bounds)


def _promela(scheme: str, lock: str, scenario: str, params: WorldParams, prop: str) -> str:
    from checks.promela import ExportError, export_variant
    try:
        return export_variant(scheme, lock, scenario, params, prop)
    except ExportError as e:
        raise InputError(f"cannot export {scheme} --lock {lock} for {prop}: {e}") from None


@cli.command("export")
@click.argument("scheme")
@click.option("--property", "prop", required=True, help="the property to export as assertions")
@variant_options
@click.option("--format", "fmt", default="promela", show_default=True, help="promela")
@click.option("-o", "--output", metavar="FILE", help="write the model to FILE (atomically)")
@bound_options
def export_cmd(scheme: str, prop: str, lock: str, flock: bool, scenario: str, fmt: str,
               output: str | None, **bounds) -> None:
    """Write SCHEME's world, instrumented for one property, as a model for another checker
    (Promela for SPIN: same atomic steps, the property as assertions)."""
    _pick("format", fmt, list(EXPORT_FORMATS))
    out_path = check_output_path(output) if output is not None else None
    scheme, lock, prop, params = _export_setup(scheme, lock, prop, scenario, flock, bounds)
    text = _promela(scheme, lock, scenario, params, prop)
    if out_path is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomically(out_path, text)
    except OSError as e:
        raise InputError(f"--output {output!r}: {e.strerror or e}") from None


@cli.command("spin")
@click.argument("scheme")
@click.option("--property", "props", multiple=True, help="property (repeatable; default: all)")
@variant_options
@click.option("--timeout", type=float, default=600.0, show_default=True,
              help="seconds per SPIN search (and per syncfs-mc search)")
@click.option("--no-reduce", is_flag=True, help="compile pan with -DNOREDUCE (no POR)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@bound_options
def spin_cmd(scheme: str, props: tuple[str, ...], lock: str, flock: bool, scenario: str,
             timeout: float, no_reduce: bool, as_json: bool, **bounds) -> None:
    """Export SCHEME per property, verify it with SPIN, and print SPIN's verdict, states
    and seconds next to ours (exit 3 if the verdicts or shortest lengths differ)."""
    from checks import spin

    chosen = _props(props) or list(PROPERTIES)
    _limits(None, timeout)
    scheme, lock, _, params = _export_setup(scheme, lock, chosen[0], scenario, flock, bounds)
    try:
        spin.tools()
    except spin.SpinUnavailable as e:
        raise InputError(str(e)) from None
    rows = []
    for prop in chosen:
        ours = check_property(scheme, lock, params, prop, budget=Budget(max_seconds=timeout))
        model = _promela(scheme, lock, scenario, params, prop)
        theirs = spin.run_model(model, prop, timeout, por=not no_reduce)
        rows.append(spin.Comparison(prop, ours, theirs))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
    else:
        click.echo(f"syncfs-mc vs SPIN: {scheme} --lock {lock} --scenario {scenario}")
        click.echo(spin.render_comparisons(rows))
    if any(not r.agree for r in rows):
        for r in rows:
            if not r.agree:
                click.echo(f"syncfs-mc: BUG: {r.prop}: {r.disagreement}", err=True)
        sys.exit(EXIT_BUG)
    if any(r.ours.verdict is Verdict.VIOLATED and not r.ours.by_design for r in rows):
        sys.exit(EXIT_VIOLATED)
    if any(r.ours.verdict is Verdict.UNKNOWN or r.spin.verdict == "unknown" for r in rows):
        sys.exit(EXIT_UNKNOWN)


def _split(values: tuple[str, ...]) -> list[str]:
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


# --------------------------------------------------------------------------------------------
# bench: the benchmark ladder (checks/bench.py, reports/bench.py)


def _spin_columns() -> tuple[Callable | None, list]:
    """``--spin``: SPIN's figures beside the explicit engine's, from ``checks.spin`` (the
    Promela exporter), imported only when asked for.  One-line exit-2 errors when the module
    or the ``spin`` binary is missing."""
    import importlib
    import shutil

    try:
        spin = importlib.import_module("checks.spin")
    except ImportError:
        raise InputError("--spin needs checks/spin.py (the Promela/SPIN exporter), which this "
                         "build does not have") from None
    if not hasattr(spin, "run_spin_row"):
        raise InputError("--spin: checks.spin has no run_spin_row()")
    if shutil.which("spin") is None:
        raise InputError("--spin needs the spin binary on PATH (Debian package 'spin')")
    from checks.bench import add_spin_figures

    def extra(spec, row):
        return add_spin_figures(spin.run_spin_row, spec, row)

    def get(key: str, fmt: str) -> Callable[[dict], str]:
        def cell(prop: dict) -> str:
            v = (prop.get("extra") or {}).get("spin", {}).get(key)
            return "-" if v is None else fmt.format(v)
        return cell

    return extra, [("spin", 8, get("verdict", "{}")),
                   ("spin states", 11, get("states", "{:,}")),
                   ("spin cc s", 9, get("compile_s", "{:.2f}")),
                   ("spin run s", 10, get("search_s", "{:.2f}")),
                   ("t ratio", 7, get("time_ratio", "{:.2f}")),
                   ("st ratio", 8, get("states_ratio", "{:.2f}")),
                   ("agree", 5, get("agree", "{}"))]


@cli.command("bench")
@click.option("--ladder", default="standard", show_default=True,
              help="standard (one dimension at a time) | quick (2 rows) | frontier")
@click.option("--quick", is_flag=True, help="the quick ladder (same as --ladder quick)")
@click.option("--rows", "rows", multiple=True, help="only these rows, e.g. base,syncers=3")
@click.option("--variant", "variants", multiple=True,
              help="SCHEME/LOCK (repeatable; default: cursor/spinlock, mustinc/spinlock, "
                   "copy-naive/none)")
@click.option("--property", "props", multiple=True,
              help="property (repeatable; default: lost, double, unseen, backward, deadlock, "
                   "and wrap where the counter can wrap)")
@click.option("--max-seconds", type=float, default=600.0, show_default=True,
              help="per property search: give up (unknown) after this many seconds")
@click.option("--max-memory", type=int, default=8192, show_default=True, metavar="MIB",
              help="per property search: give up (unknown) past this resident memory")
@click.option("--no-symmetry", is_flag=True, help="store every state (measure the reduction)")
@click.option("--format", "fmt", default="text", show_default=True, help="text | markdown")
@click.option("--json", "json_path", metavar="FILE", help="write the figures as JSON")
@click.option("--png", "png_path", metavar="FILE",
              help="draw the growth curves (needs matplotlib: the 'bench' extra)")
@click.option("--spin", is_flag=True, help="add SPIN's figures (needs checks.spin and spin)")
@click.option("--from-json", "from_json", metavar="FILE",
              help="run nothing: render the table (and --json, --png) from an earlier --json")
def bench_cmd(ladder: str, quick: bool, rows: tuple[str, ...], variants: tuple[str, ...],
              props: tuple[str, ...], max_seconds: float, max_memory: int, no_symmetry: bool,
              fmt: str, json_path: str | None, png_path: str | None, spin: bool,
              from_json: str | None) -> None:
    """Run the benchmark ladder: states, transitions, states/s, memory and time to verdict
    per variant, scenario size and property; print the table as it grows."""
    from checks import bench
    from reports import bench as render_bench

    ladder = _pick("ladder", ladder, list(bench.LADDERS))
    if quick:
        ladder = "quick"
    fmt = _pick("format", fmt, ["text", "markdown"])
    _limits(None, max_seconds)
    _bounded("--max-memory", max_memory, 1, MAX_MEMORY_MIB, "MiB of resident memory")
    ladder_rows = bench.LADDERS[ladder]()
    if rows:
        names = [r.name for r in ladder_rows]
        wanted = [_pick("row", x, names) for x in _split(rows)]
        ladder_rows = [r for r in ladder_rows if r.name in wanted]
    chosen_variants = []
    for v in _split(variants):
        scheme, _, lock = v.partition("/")
        chosen_variants.append((_pick("scheme", scheme, list(SCHEMES)),
                                _pick("discipline", lock or "none", list(DISCIPLINES))))
    chosen_variants = chosen_variants or list(bench.VARIANTS)
    chosen_props = _props(props) or None
    json_out = check_output_path(json_path) if json_path else None
    png_out = check_output_path(png_path) if png_path else None
    if png_out is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise InputError("--png needs matplotlib: pip install -e '.[bench]'") from None
    if from_json is not None:
        try:
            with open(from_json, encoding="utf-8") as f:
                earlier = bench.BenchResult.from_json(json.load(f))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"--from-json {from_json!r}: {e}") from None
        doc = earlier.to_json()  # derived figures (bytes/state, states/s) recomputed
        click.echo(render_bench.render_text(doc) if fmt == "text"
                   else render_bench.render_markdown(doc))
        if json_out is not None:
            write_atomically(json_out, json.dumps(doc, indent=2) + "\n")
        if png_out is not None:
            render_bench.render_png(doc, str(png_out))
        sys.exit(EXIT_OK)
    extra, columns = _spin_columns() if spin else (None, [])
    if fmt == "text":
        click.echo(render_bench.header_text(columns))
    else:
        click.echo(render_bench.header_markdown(columns))

    def show(r: bench.RowResult) -> None:
        doc = r.to_json()
        click.echo(render_bench.row_text(doc, columns) if fmt == "text"
                   else render_bench.row_markdown(doc, columns))

    result = bench.run_ladder(ladder_rows, chosen_variants, chosen_props, max_seconds,
                              float(max_memory), not no_symmetry,
                              progress=progress_line() is not None, ladder=ladder,
                              on_row=show,
                              extra=extra)
    doc = result.to_json()
    if fmt == "markdown":
        notes = [f"* {r['scheme']}/{r['lock']} {r['row']}: {r['note']}"
                 for r in doc["rows"] if r.get("note")]
        if notes:
            click.echo("\n" + "\n".join(notes))
    if json_out is not None:
        write_atomically(json_out, json.dumps(doc, indent=2) + "\n")
    if png_out is not None:
        render_bench.render_png(doc, str(png_out))
    sys.exit(EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click in non-standalone mode so that every error is one line, exit 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="syncfs-mc",
                 standalone_mode=False)
    except click.ClickException as e:
        if type(e).__name__.startswith("NoArgsIsHelp") and getattr(e, "ctx", None):
            click.echo(e.ctx.get_help())  # type: ignore[attr-defined]
            return EXIT_USAGE
        msg = " ".join(e.format_message().split())
        click.echo(f"syncfs-mc: error: {msg}", err=True)
        return EXIT_USAGE
    except click.exceptions.Abort as e:
        click.echo(interrupt_summary(e), err=True)
        return 130
    except SystemExit as e:
        return int(e.code or 0)
    except KeyboardInterrupt as e:
        click.echo(interrupt_summary(e), err=True)
        return 130
    return EXIT_OK


def entry() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()

