"""What the command line parses and validates, declared once for every command.

* names checked against the catalogue (:func:`pick`, one line and a "did you mean" on a typo);
* the scenario bounds and their overrides (:func:`bound_options`, :func:`bounds_from`), the
  variant (:func:`variant_options`), the search limits (:func:`limit_options`,
  :func:`memory_option`), ``--minimize`` (:func:`minimize_option`) and ``--backend``
  (:func:`backend_option`), ``--mount-option`` (:func:`mount_option`, checked against what
  the scheme's code tests by :func:`mount_options_for`), each an option group
  that the commands share;
* the one output writer (:func:`write_output`, atomic, with ``--output`` validated before any
  search runs by :func:`check_output_path`).

Bad input raises :class:`InputError`: one line on stderr, exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from checks import native
from checks.runner import MINIMIZE, Budget
from model.errseq import ERRNO_NAMES, ERRNO_NUMBERS, MAX_ERRNO, ErrseqLayout
from model.world import FOREVER, SYNC_FS_ERRORS, WorldParams, normal_word_text, parse_word
from specs.properties import DEFAULT_PROPERTIES, PROPERTIES
from specs.scenarios import CUSTOM, DEFAULT_SCENARIO, SCENARIOS

EXIT_OK, EXIT_VIOLATED, EXIT_USAGE, EXIT_BUG, EXIT_UNKNOWN = 0, 1, 2, 3, 4

#: bounds past which a check cannot finish in reasonable time; say so instead of hanging
MAX_ACTORS = 8
MAX_SYNCS = 6
MAX_ERRORS = 8
#: counter width past which a world with looping actors is refused (see scenario_params)
MAX_LOOPING_BITS = 4
#: --max-memory ceiling (MiB): 1 TiB; anything above it is a typo, not a budget
MAX_MEMORY_MIB = 1 << 20


class InputError(click.UsageError):
    """Bad input: reported as one line on stderr, exit code 2."""


def pick(kind: str, name: str, valid: Sequence[str]) -> str:
    """``name`` if it is one of ``valid``, else an :class:`InputError` naming them."""
    if name in valid:
        return name
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise InputError(f"unknown {kind} {name!r} (valid: {', '.join(valid)}){hint}")


def pick_scheme(name: str) -> str:
    """A catalogue scheme's name, or a C file's path (read and checked now: a bad file
    raises ``model.cfront.CError``, which ``main`` prints as a compiler would, exit 2)."""
    from model.cfront import is_c_path
    from model.variants import SCHEMES, load_catalogue, scheme_for

    load_catalogue()
    if is_c_path(name) or name.startswith("c:"):
        try:
            scheme_for(name)
        except OSError as e:
            raise InputError(f"cannot read scheme file {name!r}: {e.strerror}") from None
        except KeyError:
            pass  # an unknown c:NAME: said below
        else:
            return name
    return pick("scheme", name, list(SCHEMES))


def split(values: Sequence[str]) -> list[str]:
    """Repeated and comma-separated values, flattened: ``("a,b", "c")`` -> a, b, c."""
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def properties(props: Sequence[str]) -> list[str]:
    """The properties named (repeatable, comma-separated), checked, without repeats."""
    return list(dict.fromkeys(pick("property", p, list(PROPERTIES)) for p in split(props)))


def looping_properties(params: WorldParams, chosen: list[str]) -> list[str]:
    """The properties to check in a world with looping actors: ``wrap`` is refused (an
    :class:`InputError` when named, left out of the default), because its wide-counter twin
    wraps too once errors never stop; the others as chosen."""
    if not params.looping:
        return chosen
    twins = [p for p in chosen if PROPERTIES[p].needs_twin]
    if twins:
        raise InputError(f"--property {twins[0]} compares with a wide-counter twin, which "
                         "wraps too when errors or calls never stop; drop it with --syncs inf, "
                         "--upper-syncs inf or --errors inf:... (lost still reports every "
                         "lost error, wrapped or not)")
    return chosen or [p for p in DEFAULT_PROPERTIES if not PROPERTIES[p].needs_twin]


def parse_errors(text: str) -> tuple[int, ...]:
    """``EIO,ENOSPC`` or ``5,28`` -> errno numbers, each in 1..MAX_ERRNO."""
    if text.startswith("inf:"):
        text = text.removeprefix("inf:")
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


class CallCount(click.ParamType):
    """A number of syncfs calls: a positive integer, or ``inf`` (for ever: ``FOREVER``)."""

    name = "N|inf"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> int:
        if isinstance(value, int):
            return value
        if str(value).strip().lower() in ("inf", "forever"):
            return FOREVER
        try:
            n = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a number of calls nor 'inf'", param, ctx)
        if n < 1:
            name = param.opts[0] if param is not None and param.opts else "the count"
            raise InputError(f"{name} must be in 1..{MAX_SYNCS}, or inf, got {n}")
        return n


def bounded(name: str, value: float | None, lo: float, hi: float, why: str) -> None:
    """An :class:`InputError` unless ``value`` (when given) is in ``lo..hi``."""
    if value is not None and not lo <= value <= hi:
        raise InputError(f"{name} must be in {lo}..{hi}, got {value} ({why})")


def scenario_params(scenario: str, **over: Any) -> WorldParams:
    """The scenario's bounds with the overrides applied and validated (the bounds asked for;
    ``specs.resolved`` works out the effective ones)."""
    base = (WorldParams() if scenario == CUSTOM
            else SCENARIOS[pick("scenario", scenario, list(SCENARIOS))][0])
    bounded("--syncers", over.get("syncers"), 1, MAX_ACTORS, "overlay files, one process each")
    if over.get("syncs") != FOREVER:
        bounded("--syncs", over.get("syncs"), 1, MAX_SYNCS,
                "syncfs calls per overlay file, or inf")
    bounded("--upper-syncers", over.get("upper_syncers"), 0, MAX_ACTORS,
            "processes with a file on U")
    if over.get("upper_syncs") != FOREVER:
        bounded("--upper-syncs", over.get("upper_syncs"), 1, MAX_SYNCS,
                "syncfs calls per file on U, or inf")
    bounded("--counter-bits", over.get("counter_bits"), 1, 32,
            "the kernel's counter has 19 bits; widths past 32 change nothing")
    bounded("--overlays", over.get("overlays"), 1, 4, "overlays on the one upper")
    bounded("--threads", over.get("threads_per_file"), 1, 4, "threads sharing each file")
    changes = {k: v for k, v in over.items() if v is not None}
    p = dataclasses.replace(base, **changes)
    if p.overlays > p.syncers:
        raise InputError(f"--overlays {p.overlays} needs at least as many --syncers "
                         f"(got {p.syncers}): each overlay gets files round-robin")
    if p.looping and p.counter_bits > MAX_LOOPING_BITS:
        raise InputError(f"--counter-bits {p.counter_bits} with looping actors (inf): each word "
                         f"then cycles through 2**{p.counter_bits} counter values; use "
                         f"--counter-bits 1..{MAX_LOOPING_BITS} (a wrap needs 2**bits errors)")
    if p.errors_forever and p.open_at == "after-errors":
        raise InputError(f"--errors inf:... never ends, so files cannot open after the last "
                         f"error (scenario {scenario} opens them after the errors); use "
                         "--scenario custom or a scenario whose files race with the errors")
    actors = p.syncers * p.threads_per_file + p.upper_syncers + 1
    if actors > MAX_ACTORS + 1:
        raise InputError(f"{actors - 1} syncing threads; at most {MAX_ACTORS} keep a check "
                         "finite in practice")
    return p


# --------------------------------------------------------------------------------------------
# Option groups

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _group(*options: Decorator) -> Decorator:
    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for opt in reversed(options):
            f = opt(f)
        return f
    return apply


#: the scenario-bound overrides every checking command accepts (DESIGN §7)
bound_options = _group(
    click.option("--syncers", type=int, help="overlay files, one process each"),
    click.option("--syncs", type=CallCount(), help="syncfs calls per overlay file (inf: for "
                 "ever)"),
    click.option("--upper-syncers", type=int, help="processes with a file directly on U"),
    click.option("--upper-syncs", type=CallCount(), help="syncfs calls per upper file (inf: "
                 "for ever)"),
    click.option("--errors", help="writeback errors injected on U, in order: EIO,ENOSPC; "
                 "inf:EIO,ENOSPC: for ever, any of them each time; 'any' (smt only): the "
                 "scenario's errors, each errno any value in 1..4095"),
    click.option("--upper-at-mount", metavar="0|any|WORD",
                 help="U's errseq word before the mount: 0 (default), any (every valid word), "
                      "or one word (4101, 0x1005, 'ctr=1 EIO SEEN')"),
    click.option("--counter-bits", type=int, help="errseq counter width (kernel: 19)"),
    click.option("--overlays", type=int, help="overlays mounted on the one upper"),
    click.option("--threads", type=int, help="threads sharing each overlay file"),
    click.option("--sync-fs-errors",
                 help="returned (v5.17+; 5.10.y-5.16.y stable) | ignored (v5.11-v5.16 mainline)"),
    click.option("--open-first", is_flag=True, help="open every file before anything runs"),
    click.option("--vfs", metavar="FILE",
                 help="fs/sync.c's syncfs in C as a VFS patch leaves it (model/vfs/*.c); "
                      "combines with any scheme, for files on the overlay and on U"),
)

#: ``--lock``, ``--flock`` and ``--scenario``: which variant, where (one variant per command)
variant_options = _group(
    click.option("--lock", "lock", default="none", show_default=True, help="locking discipline"),
    click.option("--flock", is_flag=True, help="the VFS advances f_sb_err under f_lock"),
    click.option("--scenario", default=DEFAULT_SCENARIO, show_default=True),
)

#: ``--mount-option NAME`` (repeatable): the overlay is mounted with it (DESIGN §5b)
mount_option = click.option(
    "--mount-option", "mount_options", multiple=True, metavar="NAME",
    help="mount the overlay with option NAME (repeatable; a C scheme's code tests it, e.g. "
         "volatile behind ovl_should_sync())")


def mount_options_for(schemes: Sequence[str], names: Sequence[str]) -> tuple[str, ...]:
    """The ``--mount-option`` names (repeatable, comma-separated), sorted, each tested by
    the code of at least one of ``schemes`` (an :class:`InputError` otherwise: an option
    nothing tests would be silently ignored)."""
    from model.variants import tested_mount_options

    opts = tuple(sorted(set(split(names))))
    if not opts:
        return ()
    tested = {s: tested_mount_options(s) for s in schemes}
    for o in opts:
        if not any(o in t for t in tested.values()):
            known = sorted(set().union(*tested.values()))
            which = schemes[0] if len(schemes) == 1 else "none of the schemes compared"
            what = (f"its code tests only {', '.join(known)}" if len(schemes) == 1 and known
                    else "it tests no mount option" if len(schemes) == 1
                    else f"they test {', '.join(known) or 'none'}")
            raise InputError(f"--mount-option {o}: {which} never tests it ({what}); "
                             "a C scheme tests ofs->config.ovl_NAME or ovl_should_sync()")
    return opts


#: states and seconds: when a search gives up with ``unknown``
limit_options = _group(
    click.option("--max-states", type=int, help="give up (unknown) past this many states"),
    click.option("--max-seconds", type=float, help="give up (unknown) after this many seconds"),
)

memory_option = click.option(
    "--max-memory", type=int, metavar="MIB",
    help="explicit: give up (unknown) when the process holds more than MIB MiB")

minimize_option = click.option(
    "--minimize", default="steps", show_default=True,
    help="steps (any shortest trace) | preemptions (fewest context switches among them)")

backend_option = click.option(
    "--backend", default="auto", show_default=True,
    help="explicit: python | native (generated C, compiled once and cached) | auto (native "
         "when a C compiler is present)")


def bounds_from(scenario: str, flock: bool, syncers: int | None = None,
                syncs: int | None = None, upper_syncers: int | None = None,
                upper_syncs: int | None = None, errors: str | None = None,
                counter_bits: int | None = None, overlays: int | None = None,
                threads: int | None = None, sync_fs_errors: str | None = None,
                open_first: bool = False, vfs: str | None = None,
                upper_at_mount: str | None = None) -> WorldParams:
    """``scenario``'s bounds with the :func:`bound_options` given, validated (``vfs``: read
    now, so that a bad file is reported before any search runs)."""
    if vfs is not None:
        vfs = pick_vfs(vfs, flock)
    errors_any = None
    if errors is not None and errors.strip().lower() == "any":
        errors, errors_any = None, True
    if upper_at_mount is not None:
        bits = counter_bits if counter_bits is not None else (
            WorldParams() if scenario == CUSTOM else SCENARIOS.get(
                scenario, (WorldParams(),))[0]).counter_bits
        upper_at_mount = upper_word(upper_at_mount, bits)
    if sync_fs_errors is not None:
        pick("--sync-fs-errors value", sync_fs_errors, list(SYNC_FS_ERRORS))
    if open_first and scenario == "late-open":
        raise InputError("--open-first conflicts with --scenario late-open, whose files are "
                         "opened after the errors; pick one")
    return scenario_params(
        scenario, syncers=syncers, syncs=syncs, upper_syncers=upper_syncers,
        upper_syncs=upper_syncs, errors=parse_errors(errors) if errors is not None else None,
        errors_forever=True if errors is not None and errors.startswith("inf:") else None,
        counter_bits=counter_bits, overlays=overlays, threads_per_file=threads,
        sync_fs_errors=sync_fs_errors, flock=True if flock else None,
        open_at="first" if open_first else None, vfs=vfs, upper_at_mount=upper_at_mount,
        errors_any=errors_any)


def pick_vfs(path: str, flock: bool = False) -> str:
    """``--vfs FILE``: the path, once the file is read and lowered (a bad file raises
    ``model.cfront.CError``, located; ``main`` prints it, exit 2)."""
    from model.cfront.vfs import load_vfs

    if flock:
        raise InputError("--vfs and --flock both say what syncfs does after "
                         "sync_filesystem(): give one (--flock is model/vfs/layton_flock.c)")
    if not path.endswith(".c"):
        raise InputError(f"--vfs {path!r}: expected a C file (FILE.c) holding fs/sync.c's "
                         "syncfs, e.g. model/vfs/layton_flock.c")
    try:
        load_vfs(path)
    except OSError as e:
        raise InputError(f"cannot read VFS file {path!r}: {e.strerror}") from None
    return path


def upper_word(text: str, counter_bits: int) -> str:
    """``--upper-at-mount``'s value as :class:`WorldParams` keeps it
    (:func:`model.world.normal_word_text`), its own form checked at ``counter_bits``
    (whether it fits a scheme's layout is checked when the check is resolved)."""
    word = normal_word_text(text)
    if word != "any":
        try:
            parse_word(ErrseqLayout(counter_bits, mustinc="MUSTINC" in word.upper()), word)
        except ValueError as e:
            raise InputError(f"--upper-at-mount {word}: {e}") from None
    return word


def budget_from(max_states: int | None = None, max_seconds: float | None = None,
                max_memory: int | None = None, minimize: str = "steps",
                **more: Any) -> Budget:
    """The :class:`Budget` of :func:`limit_options`, :func:`memory_option` and
    :func:`minimize_option`, validated (``more``: the other ``Budget`` fields)."""
    if max_states is not None and max_states < 1:
        raise InputError(f"--max-states must be positive, got {max_states}")
    if max_seconds is not None and max_seconds <= 0:
        raise InputError(f"--max-seconds must be positive, got {max_seconds}")
    if max_seconds is not None and not math.isfinite(max_seconds):
        raise InputError(f"--max-seconds must be a finite number, got {max_seconds}")
    bounded("--max-memory", max_memory, 1, MAX_MEMORY_MIB, "MiB of resident memory")
    backend = pick("--backend value", more.get("backend", "auto"), list(native.BACKENDS))
    try:
        _, note = native.resolve(backend, more.get("por", False), minimize)
    except native.CompilerMissing as e:
        raise InputError(str(e)) from None
    if note is not None:
        click.echo(note, err=True)
    return Budget(max_states, max_seconds, minimize=pick("--minimize value", minimize,
                                                         list(MINIMIZE)),
                  max_mib=float(max_memory) if max_memory is not None else None, **more)


# --------------------------------------------------------------------------------------------
# Output


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


def write_output(text: str, path: str | None) -> None:
    """The one writer: print ``text``, or write it to ``path`` atomically (ending in a
    newline either way); a file that cannot be written is an :class:`InputError`."""
    if path is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = check_output_path(path)
    try:
        write_atomically(target, text if text.endswith("\n") else text + "\n")
    except OSError as e:
        raise InputError(f"--output {path!r}: {e.strerror or e}") from None
