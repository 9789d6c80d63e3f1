"""The ``syncfs-mc`` command line: ``list``, ``check``, ``compare``, ``trace``, ``replay``,
``export``, ``spin``, ``bench``, ``sweep`` (in ``checks.sweepcmd``).

This module only parses (``checks.options``) and prints (``reports``); what a check runs
with comes from ``specs.resolved``, and the checks themselves from ``checks.runner``.

Exit codes: 0 every checked property holds (violations a scheme declares by design do not
count), 1 a property is violated, 2 usage or input error (one line on stderr), 3 the engines
disagree or a counterexample failed to replay (a bug in syncfs-mc: please report it), 4 no
violation found but some verdict is unknown (a limit was hit), 130 interrupted.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Sequence

import click

from checks import cluster, compare
from checks.options import (
    EXIT_BUG,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_USAGE,
    EXIT_VIOLATED,
    InputError,
    backend_option,
    bound_options,
    bounded,
    bounds_from,
    budget_from,
    check_output_path,
    limit_options,
    looping_properties,
    memory_option,
    minimize_option,
    mount_option,
    mount_options_for,
    pick,
    pick_scheme,
    pick_vfs,
    properties,
    scenario_params,
    split,
    upper_word,
    variant_options,
    write_output,
)
from checks.progress import interrupt_summary, progress_bar, progress_line
from checks.replay import ReplayError
from checks.runner import ENGINES, EngineDisagreement, check_resolved, replay_trace, trace_report
from checks.runner import check as run_check
from checks.sweepcmd import sweep_cmd
from model.cfront import CError
from model.variants import (
    DISCIPLINES,
    SCHEMES,
    load_catalogue,
    scheme_for,
    tested_mount_options,
)
from model.world import OPEN_AT, SYNC_FS_ERRORS, BoundsError
from reports import compare as render_compare
from reports import trace as render_trace_doc
from reports.catalogue import render_list
from reports.text import render_check, verdict_text
from specs.properties import DEFAULT_PROPERTIES, PROPERTIES
from specs.replaykey import BadKey, parse_key
from specs.resolved import ResolvedCheck, resolve
from specs.results import Verdict
from specs.scenarios import CUSTOM, DEFAULT_SCENARIO, SCENARIOS

__all__ = ["cli", "main", "entry", "scenario_params", "EXIT_OK", "EXIT_VIOLATED", "EXIT_USAGE",
           "EXIT_BUG", "EXIT_UNKNOWN"]


class Bug(Exception):
    """syncfs-mc contradicted itself (the engines, or SPIN and us, disagree): exit 3."""


def _variant(scheme: str, lock: str) -> tuple[str, str]:
    return pick_scheme(scheme), pick("discipline", lock, list(DISCIPLINES))


def _bench_variant(v: str) -> tuple[str, str]:
    """``bench --variant SCHEME/LOCK``: a C scheme that does not compose with the lock is
    refused now, located (exit 2), rather than measured as a row that dies."""
    from model.variants import scheme_for

    scheme, lock = _variant(*_scheme_slash_lock(v))
    bad = getattr(scheme_for(scheme), "incompatible", {}).get(lock)
    if bad is not None:
        raise bad
    return scheme, lock


def _scheme_slash_lock(v: str) -> tuple[str, str]:
    """``SCHEME/LOCK`` (``LOCK`` defaults to none); SCHEME may be a path with slashes."""
    head, _, tail = v.rpartition("/")
    if head and tail in DISCIPLINES:
        return head, tail
    return (v, "none") if v.endswith(".c") or not head else (head, tail)


def _exit_code(results: Sequence) -> int:
    """1 on a violation outside the contract's by-design exceptions, else 4 on an unknown."""
    if any(r.verdict is Verdict.VIOLATED and not r.by_design for r in results):
        return EXIT_VIOLATED
    if any(r.verdict is Verdict.UNKNOWN for r in results):
        return EXIT_UNKNOWN
    return EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """syncfs-mc: model checker for errseq_t propagation races between overlayfs and its
    upper filesystem."""
    load_catalogue()


@cli.command("list")
def list_cmd() -> None:
    """Schemes, locking disciplines, properties and scenarios."""
    click.echo(render_list(SCHEMES, DISCIPLINES, PROPERTIES, SCENARIOS))


@cli.command("check")
@minimize_option
@backend_option
@click.argument("scheme")
@variant_options
@click.option("--property", "props", multiple=True, help="property to check (repeatable)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--engine", default="explicit", show_default=True,
              help="explicit (BFS) | smt (z3 bounded model checking) | both (cross-checked)")
@bound_options
@mount_option
@limit_options
@click.option("--max-depth", type=int, help="smt: give up (unknown) past this depth [200]")
@click.option("--no-symmetry", is_flag=True,
              help="explicit: store every state, not one per permutation of identical actors "
                   "(nor, with endless errors, per counter rotation and errno renaming)")
@click.option("--por/--no-por", default=False, show_default=True,
              help="explicit: partial-order reduction (pays only on big proofs; see README)")
@click.option("--no-dead-reset", is_flag=True,
              help="explicit: keep values no later step reads (store more states; to "
                   "measure the reset)")
@memory_option
@click.option("--no-timings", is_flag=True,
              help="leave out seconds and memory: the output is the same on every run")
@click.option("--verbose", "-v", is_flag=True,
              help="a C scheme: print on stderr what the model skipped or read as a no-op")
@click.option("--output", metavar="FILE",
              help="write the report to FILE (atomically: temporary file, then rename)")
def check_cmd(scheme: str, lock: str, flock: bool, scenario: str, props: tuple[str, ...],
              as_json: bool, engine: str, max_states: int | None, max_seconds: float | None,
              max_depth: int | None, minimize: str, no_symmetry: bool, por: bool,
              max_memory: int | None, no_timings: bool, output: str | None, backend: str,
              no_dead_reset: bool, mount_options: tuple[str, ...], verbose: bool,
              **bounds) -> None:
    """Check SCHEME: a verdict per property, the shortest trace for each violation."""
    scheme, lock = _variant(scheme, lock)
    mount = mount_options_for([scheme], mount_options)
    if verbose:
        for note in getattr(scheme_for(scheme, mount), "notes", ()):
            click.echo(note, err=True)
    chosen = properties(props)
    engine = pick("engine", engine, list(ENGINES))
    bounded("--max-depth", max_depth, 1, 10_000, "transitions unrolled by the SMT engine")
    if max_depth is not None and engine == "explicit":
        raise InputError("--max-depth bounds the smt engine only; add --engine smt or both, "
                         "or use --max-states")
    if max_memory is not None and engine == "smt":
        raise InputError("--max-memory bounds the explicit engine only; use --engine explicit "
                         "or both, or --max-seconds")
    budget = budget_from(max_states, max_seconds, max_memory, minimize,
                         max_depth=max_depth or 200, symmetry=not no_symmetry, por=por,
                         backend=backend, dead_reset=not no_dead_reset)
    if budget.minimize != "steps" and engine != "explicit":
        raise InputError("--minimize preemptions needs --engine explicit")
    if output is not None:
        check_output_path(output)
    params = bounds_from(scenario, flock, **bounds)
    chosen = looping_properties(params, chosen)
    if verbose and params.vfs:
        from model.cfront.vfs import load_vfs

        for note in load_vfs(params.vfs).notes:
            click.echo(note, err=True)
        s = scheme_for(scheme, mount)
        hook = ("f_op->syncfs" if getattr(s, "syncfs_fn", None) is not None else
                "s_op->errseq_check_advance" if getattr(s, "check_fn", None) is not None
                else None)
        if hook is not None:
            click.echo(f"{os.path.basename(params.vfs)}: note: the scheme's {hook} replaces "
                       "this syncfs's check on files on the overlay: it reaches files on U "
                       "only", err=True)
    line = progress_line() if engine != "smt" else None
    try:
        result = run_check(scheme, lock, scenario, params, chosen or None, engine=engine,
                           budget=budget, progress=line, mount_options=mount)
    finally:
        if line is not None:
            line.clear()
    timings = not no_timings
    text = (json.dumps(result.to_json(timings), indent=2) if as_json
            else render_check(result, timings=timings))
    write_output(text, output)
    sys.exit(_exit_code(result.results))


COMPARE_FORMATS = ("text", "markdown", "json", "html")


@cli.command("compare")
@minimize_option
@backend_option
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
@cluster.dask_option
@bound_options
@mount_option
@limit_options
def compare_cmd(schemes: tuple[str, ...], locks: tuple[str, ...], scenarios: tuple[str, ...],
                props: tuple[str, ...], flock: bool, fmt: str, output: str | None,
                traces: bool, jobs: int | None, max_states: int | None,
                max_seconds: float | None, minimize: str, backend: str,
                dask_address: str | None, mount_options: tuple[str, ...],
                **bounds) -> None:
    """Check every scheme x discipline x scenario and print the matrix variants x
    properties, then what each discipline buys over the others (``--mount-option``: for the
    schemes whose code tests it)."""
    fmt = pick("format", fmt, list(COMPARE_FORMATS))
    names = [pick_scheme(x) for x in split(schemes)] or list(SCHEMES)
    disciplines = ([pick("discipline", x, list(DISCIPLINES)) for x in split(locks)]
                   or list(DISCIPLINES))
    scens = ([pick("scenario", x, list(SCENARIOS)) for x in split(scenarios)]
             or [DEFAULT_SCENARIO])
    chosen = properties(props) or list(DEFAULT_PROPERTIES)
    mount = mount_options_for(names, mount_options)
    tests = {n: tested_mount_options(n) for n in names} if mount else {}
    budget = budget_from(max_states, max_seconds, minimize=minimize, backend=backend)
    bounded("--jobs", jobs, 1, 256, "worker processes")
    if (bounds.get("errors") or "").strip().lower() == "any":
        raise InputError("--errors any leaves each errno symbolic, which only the smt engine "
                         "can do, and compare runs the explicit one: list the errors")
    if output is not None:
        check_output_path(output)
    cells = [compare.Cell(name, lock, scen, params,
                          tuple(o for o in mount if o in tests.get(name, ())))
             for scen in dict.fromkeys(scens) for params in [bounds_from(scen, flock, **bounds)]
             for name in dict.fromkeys(names) for lock in dict.fromkeys(disciplines)]
    if any(c.params.looping for c in cells):  # (wrap has no twin there: refused or left out)
        chosen = looping_properties(cells[0].params, properties(props))
    with cluster.executor_for(cluster.dask_address(dask_address)) as executor:
        result = compare.run(cells, chosen, budget, jobs, progress_bar(), executor)
    if fmt == "text":
        colour = output is None and sys.stdout.isatty()
        text = render_compare.render_text(result, colour=colour, traces=traces)
    else:
        text = {"markdown": render_compare.render_markdown, "json": render_compare.render_json,
                "html": render_compare.render_html}[fmt](result)
    write_output(text, output)
    sys.exit(EXIT_OK)


@cli.command("trace")
@minimize_option
@backend_option
@click.argument("scheme")
@click.option("--property", "prop", required=True, help="the property to break")
@variant_options
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | json | mermaid | dot | svg | html")
@click.option("-o", "--output", help="write the trace to this file")
@bound_options
@mount_option
@limit_options
def trace_cmd(scheme: str, prop: str, lock: str, flock: bool, scenario: str, fmt: str,
              output: str | None, max_states: int | None, max_seconds: float | None,
              minimize: str, backend: str, mount_options: tuple[str, ...], **bounds) -> None:
    """The shortest counterexample to one property of SCHEME, as a table, JSON or a
    sequence diagram, with a replay key."""
    scheme, lock = _variant(scheme, lock)
    prop = pick("property", prop, list(PROPERTIES))
    fmt = pick("format", fmt, list(render_trace_doc.FORMATS))
    budget = budget_from(max_states, max_seconds, minimize=minimize, backend=backend)
    if output is not None:
        check_output_path(output)
    mount = mount_options_for([scheme], mount_options)
    rc = resolve(scheme, lock, scenario, bounds_from(scenario, flock, **bounds), prop, mount)
    line = progress_line()
    try:
        r = check_resolved(rc, budget=budget, progress=line)
    finally:
        if line is not None:
            line.clear()
    if r.trace is None:
        click.echo(f"{rc.variant}: {prop} {verdict_text(r)}: no counterexample", err=True)
        sys.exit(EXIT_OK if r.verdict is Verdict.HOLDS else EXIT_UNKNOWN)
    write_output(render_trace_doc.render(trace_report(rc, r.trace), fmt), output)
    sys.exit(EXIT_OK if rc.by_design else EXIT_VIOLATED)


@cli.command("replay")
@click.argument("key")
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | json | mermaid | dot | svg | html")
@click.option("-o", "--output", help="write the trace to this file")
def replay_cmd(key: str, fmt: str, output: str | None) -> None:
    """Re-run the exact interleaving a replay KEY names (printed by `trace` and `compare`)
    through the reference interpreter, and print its trace."""
    fmt = pick("format", fmt, list(render_trace_doc.FORMATS))
    try:
        k = parse_key(key)
    except BadKey as e:
        raise InputError(str(e)) from None
    scheme, lock = _variant(k.scheme, k.lock)
    scenario = k.scenario if k.scenario == CUSTOM else pick("scenario", k.scenario,
                                                            list(SCENARIOS))
    prop = pick("property", k.prop, list(PROPERTIES))
    over = dict(k.overrides)
    if "sync_fs_errors" in over:
        pick("--sync-fs-errors value", over["sync_fs_errors"], list(SYNC_FS_ERRORS))
    if "open_at" in over:
        pick("open_at value", over["open_at"], list(OPEN_AT))
    if "vfs" in over:
        pick_vfs(over["vfs"], bool(over.get("flock")))
    mount = mount_options_for([scheme], k.mount_options)
    rc = resolve(scheme, lock, scenario, scenario_params(scenario, **over), prop, mount)
    try:
        rep = replay_trace(rc, k.schedule)
    except ReplayError as e:
        raise InputError(f"the key does not replay to a {prop} violation: {e}") from None
    write_output(render_trace_doc.render(rep, fmt), output)
    sys.exit(EXIT_OK if rep.by_design else EXIT_VIOLATED)


def _resolved(scheme: str, lock: str, prop: str, scenario: str, flock: bool,
              bounds: dict, mount_options: tuple[str, ...] = ()) -> ResolvedCheck:
    scheme, lock = _variant(scheme, lock)
    prop = pick("property", prop, list(PROPERTIES))
    return resolve(scheme, lock, scenario, bounds_from(scenario, flock, **bounds), prop,
                   mount_options_for([scheme], mount_options))


def _promela(rc: ResolvedCheck, dead_reset: bool = True) -> str:
    from checks.promela import ExportError, export

    if rc.params.upper_at_mount == "any" or rc.params.errors_any:
        raise InputError("a Promela model starts from one state: give --upper-at-mount WORD "
                         "and list the errors (--upper-at-mount any and --errors any are for "
                         "check, compare and trace)")
    try:
        return export(rc, dead_reset)
    except ExportError as e:
        raise InputError(f"cannot export {rc.scheme} --lock {rc.lock} for {rc.prop}: {e}"
                         ) from None


EXPORT_FORMATS = ("promela",)


@cli.command("export")
@click.argument("scheme")
@click.option("--property", "prop", required=True, help="the property to export as assertions")
@variant_options
@click.option("--format", "fmt", default="promela", show_default=True, help="promela")
@click.option("-o", "--output", metavar="FILE", help="write the model to FILE (atomically)")
@click.option("--no-dead-reset", is_flag=True,
              help="the world as built: keep values no later step reads")
@bound_options
@mount_option
def export_cmd(scheme: str, prop: str, lock: str, flock: bool, scenario: str, fmt: str,
               output: str | None, no_dead_reset: bool, mount_options: tuple[str, ...],
               **bounds) -> None:
    """Write SCHEME's world, instrumented for one property, as a model for another checker
    (Promela for SPIN: same atomic steps, the property as assertions)."""
    pick("format", fmt, list(EXPORT_FORMATS))
    if prop in PROPERTIES and PROPERTIES[prop].liveness:
        raise InputError("export: progress has no Promela export; check it with syncfs-mc "
                         "check --property progress (a fair-cycle search)")
    if output is not None:
        check_output_path(output)
    write_output(_promela(_resolved(scheme, lock, prop, scenario, flock, bounds,
                                    mount_options), not no_dead_reset), output)


@cli.command("spin")
@click.argument("scheme")
@click.option("--property", "props", multiple=True, help="property (repeatable; default: all)")
@variant_options
@click.option("--timeout", type=float, default=600.0, show_default=True,
              help="seconds per SPIN search (and per syncfs-mc search)")
@click.option("--no-reduce", is_flag=True, help="compile pan with -DNOREDUCE (no POR)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@bound_options
@mount_option
def spin_cmd(scheme: str, props: tuple[str, ...], lock: str, flock: bool, scenario: str,
             timeout: float, no_reduce: bool, as_json: bool, mount_options: tuple[str, ...],
             **bounds) -> None:
    """Export SCHEME per property, verify it with SPIN, and print SPIN's verdict, states
    and seconds next to ours (exit 3 if the verdicts or shortest lengths differ)."""
    from checks import spin
    from reports.spin import render_comparisons

    chosen = properties(props) or list(DEFAULT_PROPERTIES)
    if any(PROPERTIES[p].liveness for p in chosen):
        raise InputError("spin: progress has no Promela export; check it with syncfs-mc "
                         "check --property progress (a fair-cycle search)")
    budget = budget_from(max_seconds=timeout)
    checks = [_resolved(scheme, lock, p, scenario, flock, bounds, mount_options)
              for p in chosen]
    try:
        spin.tools()
    except spin.SpinUnavailable as e:
        raise InputError(str(e)) from None
    rows = [spin.Comparison(rc.prop, check_resolved(rc, budget=budget),
                            spin.run_model(_promela(rc), rc.prop, timeout, por=not no_reduce))
            for rc in checks]
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
    else:
        click.echo(render_comparisons(rows, checks[0].variant))
    wrong = [f"{r.prop}: {r.disagreement}" for r in rows if not r.agree]
    if wrong:
        raise Bug("; ".join(wrong))
    code = _exit_code([r.ours for r in rows])
    sys.exit(code or (EXIT_UNKNOWN if any(r.spin.verdict == "unknown" for r in rows) else 0))


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
@click.option("--spin", is_flag=True, help="add SPIN's figures (needs the spin binary)")
@click.option("--from-json", "from_json", metavar="FILE",
              help="run nothing: render the table (and --json, --png) from an earlier --json")
@click.option("--vfs", metavar="FILE",
              help="fs/sync.c's syncfs in C (model/vfs/*.c) for every variant and row")
@backend_option
@cluster.dask_option
@mount_option
@click.option("--upper-at-mount", metavar="0|any|WORD",
              help="U's errseq word before the mount, for every row (as for check)")
def bench_cmd(ladder: str, quick: bool, rows: tuple[str, ...], variants: tuple[str, ...],
              props: tuple[str, ...], max_seconds: float, max_memory: int, no_symmetry: bool,
              fmt: str, json_path: str | None, png_path: str | None, spin: bool,
              from_json: str | None, backend: str, dask_address: str | None,
              mount_options: tuple[str, ...] = (), vfs: str | None = None,
              upper_at_mount: str | None = None) -> None:
    """Run the benchmark ladder: states, transitions, states/s, memory and time to verdict
    per variant, scenario size and property; print the table as it grows."""
    from checks import bench
    from reports import bench as render_bench

    ladder = pick("ladder", ladder, list(bench.LADDERS))
    ladder = "quick" if quick else ladder
    fmt = pick("format", fmt, ["text", "markdown"])
    budget_from(max_seconds=max_seconds, max_memory=max_memory, backend=backend)
    ladder_rows = bench.LADDERS[ladder]()
    if rows:
        wanted = [pick("row", x, [r.name for r in ladder_rows]) for x in split(rows)]
        ladder_rows = [r for r in ladder_rows if r.name in wanted]
    chosen_variants = [_bench_variant(v) for v in split(variants)] or list(bench.VARIANTS)
    if upper_at_mount is not None:  # each row's bounds, the word checked as check does
        ladder_rows = [dataclasses.replace(r, params=dataclasses.replace(
            r.params, upper_at_mount=upper_word(upper_at_mount, r.params.counter_bits)))
            for r in ladder_rows]
    # --mount-option: given to the variants whose code tests it (refused if none does)
    mount = mount_options_for([s for s, _ in chosen_variants], mount_options)
    vfs = pick_vfs(vfs) if vfs is not None else ""
    for path in (json_path, png_path):
        if path:
            check_output_path(path)
    if png_path:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise InputError("--png needs matplotlib: pip install -e '.[bench]'") from None
    columns = render_bench.SPIN_COLUMNS if spin else ()
    if from_json is not None:
        try:
            with open(from_json, encoding="utf-8") as f:
                doc = bench.BenchResult.from_json(json.load(f)).to_json()  # derived figures
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"--from-json {from_json!r}: {e}") from None
        click.echo(render_bench.render_text(doc) if fmt == "text"
                   else render_bench.render_markdown(doc))
    else:
        extra = None
        if spin:
            import shutil

            if shutil.which("spin") is None:
                raise InputError("--spin needs the spin binary on PATH (Debian package 'spin')")
            extra = bench.spin_figures
        head = render_bench.header_text if fmt == "text" else render_bench.header_markdown
        line = render_bench.row_text if fmt == "text" else render_bench.row_markdown
        click.echo(head(columns))
        with cluster.executor_for(cluster.dask_address(dask_address)) as executor:
            result = bench.run_ladder(ladder_rows, chosen_variants, properties(props) or None,
                                      max_seconds, float(max_memory), not no_symmetry,
                                      progress=progress_line() is not None, ladder=ladder,
                                      on_row=lambda r: click.echo(line(r.to_json(), columns)),
                                      extra=extra, backend=backend, executor=executor,
                                      mount_options=mount, vfs=vfs)
        doc = result.to_json()
        notes = render_bench.render_notes(doc) if fmt == "markdown" else ""
        if notes:
            click.echo("\n" + notes)
    if json_path:
        write_output(json.dumps(doc, indent=2) + "\n", json_path)
    if png_path:
        render_bench.render_png(doc, png_path)
    sys.exit(EXIT_OK)


cli.add_command(sweep_cmd)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click in non-standalone mode so that every error is one line: exit 2 for
    bad input, 3 for a bug in syncfs-mc, 130 on Ctrl-C."""
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
    except BoundsError as e:
        click.echo(f"syncfs-mc: error: {' '.join(str(e).split())}", err=True)
        return EXIT_USAGE
    except CError as e:  # a C scheme file: located like a compiler's message, and a caret
        click.echo(str(e), err=True)
        return EXIT_USAGE
    except (Bug, EngineDisagreement, ReplayError) as e:
        click.echo(f"syncfs-mc: BUG: {e}", err=True)
        return EXIT_BUG
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
