"""Renders a benchmark ladder (``checks.bench.BenchResult`` as plain JSON-like rows): an
aligned text table or a Markdown table, one line per variant x row x property, and the
growth curves as a PNG (matplotlib, optional).

Columns: ``states`` distinct states stored (after symmetry reduction unless it is off),
``trans`` transitions taken, ``st/s`` states per second, ``secs`` time to verdict, ``cex``
counterexample length (BFS: shortest), ``peak MiB`` the row process's peak resident memory,
``B/state`` bytes per stored state (see ``checks.bench``), ``no-sym`` the first property's
states without symmetry reduction.  Row-level columns are printed on a row's first line.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

#: (header, width, right-aligned) of the text table, in order
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("variant", 19, False), ("row", 14, False), ("property", 9, False),
    ("verdict", 9, False), ("states", 11, True), ("trans", 12, True), ("st/s", 8, True),
    ("secs", 8, True), ("cex", 4, True), ("peak MiB", 8, True), ("B/state", 7, True),
    ("no-sym", 10, True),
)

#: extra columns (header, width, getter on a property's JSON) a caller may add, e.g. SPIN's
ExtraColumn = tuple[str, int, Callable[[dict[str, Any]], str]]


def _variant(r: dict) -> str:
    """``SCHEME/LOCK`` and the mount options the row was run with (bench --mount-option)."""
    mount = "".join(f" --mount-option {o}" for o in r.get("mount_options", ()))
    return f"{r['scheme']}/{r['lock']}{mount}"


def _spin_cell(key: str, fmt: str) -> Callable[[dict[str, Any]], str]:
    def cell(prop: dict[str, Any]) -> str:
        v = (prop.get("extra") or {}).get("spin", {}).get(key)
        return "-" if v is None else fmt.format(v)
    return cell


#: ``bench --spin``: SPIN's figures beside ours (``checks.bench.add_spin_figures``)
SPIN_COLUMNS: tuple[ExtraColumn, ...] = (
    ("spin", 8, _spin_cell("verdict", "{}")),
    ("spin states", 11, _spin_cell("states", "{:,}")),
    ("spin cc s", 9, _spin_cell("compile_s", "{:.2f}")),
    ("spin run s", 10, _spin_cell("search_s", "{:.2f}")),
    ("t ratio", 7, _spin_cell("time_ratio", "{:.2f}")),
    ("st ratio", 8, _spin_cell("states_ratio", "{:.2f}")),
    ("agree", 5, _spin_cell("agree", "{}")),
)


def render_notes(doc: dict[str, Any]) -> str:
    """The rows' notes (a limit hit, a row that could not run) as a Markdown list, or ""."""
    notes = [f"* {_variant(r)} {r['row']}: {r['note']}"
             for r in doc["rows"] if r.get("note")]
    return "\n".join(notes)


def _num(x: float | int | None, fmt: str = "{:,}") -> str:
    return "-" if x is None else fmt.format(x)


def cells(row: dict[str, Any], prop: dict[str, Any], first: bool,
          extra: Sequence[ExtraColumn] = ()) -> list[str]:
    """The table cells of one property of one (variant, row), from their JSON."""
    verdict = prop["verdict"] + ("*" if prop.get("by_design") else "")
    out = [f"{_variant(row)}", row["row"], prop["prop"], verdict,
           _num(prop["states"]), _num(prop["transitions"]),
           _num(prop.get("states_per_second")), f"{prop['seconds']:.2f}",
           _num(prop["trace_length"])]
    if first:
        out += [_num(row["peak_mib"], "{:,.0f}"), _num(row["bytes_per_state"], "{:,.0f}"),
                _num(row.get("states_no_symmetry"))]
    else:
        out += ["", "", ""]
    out += [get(prop) for _, _, get in extra]
    return out


def _lines(doc: dict[str, Any], extra: Sequence[ExtraColumn]) -> list[list[str]]:
    out = []
    for row in doc["rows"]:
        for i, prop in enumerate(row["properties"]):
            out.append(cells(row, prop, i == 0, extra))
    return out


def header_text(extra: Sequence[ExtraColumn] = ()) -> str:
    """The text table's header line."""
    return format_text_line([h for h, _, _ in COLUMNS] + [h for h, _, _ in extra], extra)


def format_text_line(values: list[str], extra: Sequence[ExtraColumn] = ()) -> str:
    """One aligned line of the text table."""
    widths = [(w, right) for _, w, right in COLUMNS] + [(w, True) for _, w, _ in extra]
    parts = [v.rjust(w) if right else v.ljust(w) for v, (w, right) in zip(values, widths,
                                                                         strict=True)]
    return "  ".join(parts).rstrip()


def row_text(row: dict[str, Any], extra: Sequence[ExtraColumn] = ()) -> str:
    """The text lines of one (variant, row), for printing as the ladder runs."""
    lines = [format_text_line(cells(row, p, i == 0, extra), extra)
             for i, p in enumerate(row["properties"])]
    if row.get("note"):
        lines.append(f"    note: {row['note']}")
    return "\n".join(lines)


def header_markdown(extra: Sequence[ExtraColumn] = ()) -> str:
    heads = [h for h, _, _ in COLUMNS] + [h for h, _, _ in extra]
    aligns = ["---:" if r else "---" for _, _, r in COLUMNS] + ["---:" for _ in extra]
    return "| " + " | ".join(heads) + " |\n|" + "|".join(aligns) + "|"


def row_markdown(row: dict[str, Any], extra: Sequence[ExtraColumn] = ()) -> str:
    lines = ["| " + " | ".join(c or " " for c in cells(row, p, i == 0, extra)) + " |"
             for i, p in enumerate(row["properties"])]
    return "\n".join(lines)


def render_text(doc: dict[str, Any], extra: Sequence[ExtraColumn] = ()) -> str:
    """The whole table as aligned text, with the notes of rows that lost figures."""
    return "\n".join([header_text(extra)] + [row_text(r, extra) for r in doc["rows"]])


def render_markdown(doc: dict[str, Any], extra: Sequence[ExtraColumn] = ()) -> str:
    """The whole table as Markdown, with the settings above it and notes below."""
    s, m = doc["settings"], doc["machine"]
    load = m.get("loadavg_at_start") or []
    lines = [f"Ladder `{doc['ladder']}`: per-property limits {s['max_seconds']:g} s and "
             f"{s['max_memory_mib']:g} MiB; symmetry reduction "
             f"{'on' if s['symmetry'] else 'off'}. Python {m.get('python')}, "
             f"{m.get('cpus')} CPUs, load average at start "
             f"{load[0] if load else 'unknown'}.", "",
             "`*`: a violation the scheme declares by design.", "", header_markdown(extra)]
    lines += [row_markdown(r, extra) for r in doc["rows"]]
    notes = [f"* {_variant(r)} {r['row']}: {r['note']}"
             for r in doc["rows"] if r.get("note")]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


class MissingMatplotlib(RuntimeError):
    """matplotlib is not installed (it is the optional ``bench`` extra)."""


def render_png(doc: dict[str, Any], path: str) -> None:
    """Growth curves: one column per dimension (syncers, errors, syncs, counter bits,
    frontier), states (largest property search) and seconds (sum of the row's time to
    verdict) on log scales against the dimension's value, one line per variant; the base
    row is each dimension's first point."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingMatplotlib("--png needs matplotlib: pip install -e '.[bench]'") from None
    rows = doc["rows"]
    base_size = {"syncers": "syncers", "errors": "errors", "syncs": "syncs",
                 "counter_bits": "counter_bits"}
    dims = [d for d in ("syncers", "errors", "syncs", "counter_bits", "frontier")
            if any(r["dimension"] == d for r in rows)]
    if not dims:
        dims = ["base"]
    fig, axes = plt.subplots(2, len(dims), figsize=(4.2 * len(dims), 7.5), squeeze=False)
    variants = list(dict.fromkeys(f"{_variant(r)}" for r in rows))
    markers = "osD^v<>"
    ticks: dict[int, set[int]] = {}
    for j, dim in enumerate(dims):
        for k, v in enumerate(variants):
            pts = []
            for r in rows:
                if f"{_variant(r)}" != v:
                    continue
                if r["dimension"] == dim:
                    x = r["size"]
                elif r["dimension"] == "base" and dim in base_size:
                    x = r["params"][base_size[dim]]
                    x = len(x) if isinstance(x, list) else x
                else:
                    continue
                states = max((p["states"] for p in r["properties"]), default=0)
                secs = sum(p["seconds"] for p in r["properties"])
                known = all(p["verdict"] != "unknown" for p in r["properties"])
                pts.append((x, states, secs, known))
            pts.sort()
            if not pts:
                continue
            xs = [p[0] for p in pts]
            for i, col in enumerate((1, 2)):
                ax = axes[i][j]
                ys = [max(p[col], 1e-3) for p in pts]
                ax.plot(xs, ys, marker=markers[k % len(markers)], label=v)
                for p, y in zip(pts, ys, strict=True):
                    if not p[3]:
                        ax.annotate("limit", (p[0], y), textcoords="offset points",
                                    xytext=(4, 4), fontsize=8)
                ax.set_yscale("log")
                ticks.setdefault(j, set()).update(xs)
        for i in range(2):
            axes[i][j].set_xticks(sorted(ticks.get(j, ())))
        title = {"counter_bits": "counter bits", "frontier": "frontier step"}.get(dim, dim)
        axes[0][j].set_title(f"states vs {title}")
        axes[1][j].set_title(f"seconds vs {title}")
        axes[1][j].set_xlabel(title)
        for i in range(2):
            axes[i][j].grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("distinct states (largest property)")
    axes[1][0].set_ylabel("seconds (all properties)")
    axes[0][0].legend(fontsize=8)
    fig.suptitle(f"syncfs-mc bench, ladder {doc['ladder']} (explicit engine, symmetry "
                 f"{'on' if doc['settings']['symmetry'] else 'off'})")
    fig.tight_layout()
    # written beside ``path`` and renamed over it: an interrupted run leaves no half PNG
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".syncfs-mc-", suffix=".png", dir=d)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110, format="png")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        plt.close(fig)
