"""``--vfs FILE``: fs/sync.c's syncfs in kernel C (model/cfront/vfs.py), with any scheme.

``model/vfs/v5_11.c`` is the stock syscall: it must build the model's own worlds, so every
figure of a representative set of recorded rows (several schemes, both locks, every
scenario, ``--sync-fs-errors ignored``) comes out the same, states included.
``model/vfs/layton_flock.c`` is J. Layton's f_lock patch as posted: it gives every recorded
``--flock`` row.  It differs from ``--flock`` in one way, on purpose: the patch changes
syncfs for every file, and ``--flock`` (``CallCtx.vfs_check``) only for files on an
overlay; a file on the upper fs (scenarios with upper syncers) takes the lockless check and
the lock too, so those worlds have more states, and a shortest trace through the upper
syncer's syncfs is longer (see :func:`test_layton_locks_the_upper_files_too`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

import pytest

from checks.cli import main
from model.cfront import CError
from model.cfront.vfs import load_vfs
from specs.replaykey import parse_key

sys.path.insert(0, str(Path(__file__).parent))
from test_expected_verdicts import key, run_case  # noqa: E402

HERE = Path(__file__).parent
VFS = HERE.parent / "model" / "vfs"
V5_11 = str(VFS / "v5_11.c")
LAYTON = str(VFS / "layton_flock.c")
BAD = HERE / "cbad"
EXPECTED = json.loads((HERE / "expected_verdicts.json").read_text())

#: recorded rows v5_11.c must reproduce exactly (schemes, locks, scenarios, switches)
V5_11_ROWS = [
    ("none", "none", "seed", {}),
    ("copy-naive", "spinlock", "seed", {}),
    ("copy-counter", "none", "race", {}),
    ("cursor", "none", "seed", {}),
    ("upper-cursor", "spinlock", "race", {}),
    ("upper-cursor", "none", "wrap", {}),
    ("mustinc", "spinlock", "late-open", {}),
    ("volatile", "none", "shared-fd", {}),
    ("volatile", "spinlock", "seed", {"sync_fs_errors": "ignored"}),
    ("volatile-6.12", "none", "two-overlays", {}),
]

#: every recorded --flock row
FLOCK_ROWS = sorted({(k.split(" --lock ")[0], k.split(" --lock ")[1].split(" --scenario ")[0])
                     for k in EXPECTED if k.endswith("--flock=True")})


def _ids(row: tuple) -> str:
    return key(*row).replace(" ", "")


@pytest.mark.parametrize("row", V5_11_ROWS, ids=_ids)
def test_v5_11_gives_the_recorded_rows(row: tuple) -> None:
    scheme, lock, scenario, opts = row
    assert run_case(scheme, lock, scenario, {**opts, "vfs": V5_11}) == EXPECTED[key(*row)]


@pytest.mark.parametrize("variant", FLOCK_ROWS, ids=lambda v: "/".join(v))
def test_layton_gives_the_flock_rows(variant: tuple[str, str]) -> None:
    scheme, lock = variant
    want = EXPECTED[key(scheme, lock, "shared-fd", {"flock": True})]
    assert run_case(scheme, lock, "shared-fd", {"vfs": LAYTON}) == want


def test_flock_rows_are_all_there() -> None:
    assert len(FLOCK_ROWS) == 16


def test_layton_locks_the_upper_files_too() -> None:
    """The one difference from --flock, explained in the module docstring: with no upper
    syncer the worlds are the same; with one (race) the verdicts are, with more states
    (the upper file's lockless check, f_lock and check-and-advance interleave), and
    upper-cursor's shortest unseen, in which the upper syncer's syncfs sets SEEN on U
    before an overlay file samples it, takes 2 steps more (the check and the lock)."""
    for scheme in ("none", "upper-cursor"):
        alone = {"upper_syncers": 0}
        assert (run_case(scheme, "none", "race", {**alone, "flock": True}, nosym=False)
                == run_case(scheme, "none", "race", {**alone, "vfs": LAYTON}, nosym=False))
    flock = run_case("none", "none", "race", {"flock": True}, nosym=False)
    layton = run_case("none", "none", "race", {"vfs": LAYTON}, nosym=False)
    assert {p: c["verdict"] for p, c in flock.items()} == {
        p: c["verdict"] for p, c in layton.items()}
    assert (flock["double"]["states"], layton["double"]["states"]) == (240, 400)
    flock = run_case("upper-cursor", "none", "race", {"flock": True}, nosym=False)
    layton = run_case("upper-cursor", "none", "race", {"vfs": LAYTON}, nosym=False)
    assert (flock["unseen"]["length"], layton["unseen"]["length"]) == (7, 9)


def test_a_helper_style_vfs_gives_v5_11(capsys) -> None:
    """tests/cgood/vfs_do_syncfs.c: the check in 'static int do_syncfs(struct file *file)',
    called from the syscall (inlined), and a sync_filesystem() definition (skipped with a
    note): v5_11.c's worlds, states included."""
    path = str(HERE / "cgood" / "vfs_do_syncfs.c")
    for row in (("none", "none", "race", {}), ("volatile", "none", "seed", {})):
        assert run_case(row[0], row[1], row[2], {"vfs": path}) == EXPECTED[key(*row)]
    assert main(["check", "none", "--vfs", path, "--scenario", "seed", "-v"]) == 1
    err = capsys.readouterr().err
    assert "vfs_do_syncfs.c:19: note: sync_filesystem: the model's" in err
    assert "vfs_do_syncfs.c:33: note: fdput() is a no-op" in err
    fd_file = str(HERE / "cgood" / "vfs_fd_file.c")  # fd_file(f), as later kernels spell it
    row = ("cursor", "none", "seed", {})
    assert run_case("cursor", "none", "seed", {"vfs": fd_file}) == EXPECTED[key(*row)]
    # no syscall: the one helper that checks f_sb_err, 'struct file *filp' placed by type
    only = str(HERE / "cgood" / "vfs_helper_only.c")
    assert run_case("cursor", "none", "seed", {"vfs": only}) == EXPECTED[key(*row)]
    assert any("function 'unused' skipped" in n for n in load_vfs(only).notes)


def test_a_scheme_hook_wins_on_overlay_files_with_a_note(capsys) -> None:
    assert main(["check", "upper-cursor", "--vfs", LAYTON, "--scenario", "seed", "-v"]) == 0
    assert ("layton_flock.c: note: the scheme's s_op->errseq_check_advance replaces this "
            "syncfs's check on files on the overlay") in capsys.readouterr().err


def test_a_scheme_file_may_change_the_vfs_too(capsys) -> None:
    """tests/cgood/vfs_in_scheme.c is none.c and layton_flock.c's syscall in one file (a
    patch of two files, pasted whole): its syscall is the scheme's VFS, on O and on U, so
    its worlds are 'none --vfs layton_flock.c'; --vfs or --flock with it is refused at the
    syscall (exit 2, located)."""
    path = str(HERE / "cgood" / "vfs_in_scheme.c")
    for scenario in ("shared-fd", "race"):
        assert (run_case(path, "none", scenario, {}, nosym=False)
                == run_case("none", "none", scenario, {"vfs": LAYTON}, nosym=False))
    row = _line(path, "SYSCALL_DEFINE1(syncfs")
    for extra in (["--flock"], ["--vfs", V5_11]):
        assert main(["check", path, *extra]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err[0] == (f"{path}:{row}:1: error: this scheme file changes the VFS itself "
                          f"(fs/sync.c's syncfs): {extra[0]} cannot replace it"), err
        assert len(err) == 3


def _line(path: str, text: str) -> int:
    return next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1) if text in t)


def test_trace_steps_are_the_vfs_statements_and_the_key_replays(capsys) -> None:
    """Each step of the VFS's code is labelled with its C statement and file.c:LINE, for a
    file on O and a file on U; the replay key carries the path (vfs=..., quoted) and
    rebuilds the same world."""
    argv = ["trace", "cursor", "--vfs", LAYTON, "--scenario", "shared-fd", "--property",
            "double"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    lock = _line(LAYTON, "spin_lock(&f.file->f_lock)")
    check = _line(LAYTON, "if (errseq_check(")
    assert f"spin_lock(&f.file->f_lock)  [layton_flock.c:{lock}]" in out
    assert f"[layton_flock.c:{check}]" in out
    k = re.search(r"replay: syncfs-mc replay (\S+)", out).group(1)  # type: ignore[union-attr]
    assert "vfs=" + LAYTON.replace("/", "%2F") in k and k.count("/") == 5
    assert dict(parse_key(k).overrides)["vfs"] == LAYTON
    assert main(["replay", k]) == 1
    again = capsys.readouterr().out
    assert again.splitlines()[0].startswith(f"syncfs-mc: cursor --vfs {LAYTON} --lock none")
    assert f"[layton_flock.c:{lock}]" in again
    # a file on the upper fs runs the VFS file too (sb is U)
    assert main(["trace", "upper-cursor", "--vfs", LAYTON, "--scenario", "race", "--property",
                 "unseen"]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"Q1 +syncfs\(fd3\) {{ if \(errseq_check\(&sb->s_wb_err, f.file->f_sb_err"
                     rf"\)\)\s+\[layton_flock.c:{check}\]: \(result\) = errseq_check\(U,", out), out


def test_export_spin_compare_and_bench_take_vfs(capsys, tmp_path) -> None:
    assert main(["export", "cursor", "--vfs", LAYTON, "--scenario", "shared-fd", "--property",
                 "double"]) == 0
    pml = capsys.readouterr().out
    assert "--vfs " + LAYTON in pml and "fd1_f_lock" in pml
    assert main(["compare", "--scheme", "none", "--scheme", "cursor", "--lock", "none",
                 "--vfs", LAYTON, "--scenario", "shared-fd", "--format", "json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert "layton_flock.c" in json.dumps(doc)
    from checks import bench

    row = dataclasses.replace(bench.LADDERS["quick"]()[0])
    spec = bench.RowSpec("none", "none", dataclasses.replace(
        row, params=dataclasses.replace(row.params, vfs=LAYTON)), ("lost",), 10.0, 512.0,
        True, False, False, "python")
    assert bench.RowSpec.from_json(spec.to_json()).row.params.vfs == LAYTON
    out = tmp_path / "b.json"
    assert main(["bench", "--quick", "--rows", "base", "--variant", "none/none", "--property",
                 "lost", "--vfs", LAYTON, "--json", str(out), "--backend", "python"]) == 0
    got = json.loads(out.read_text())
    assert got["settings"]["vfs"] == LAYTON


def test_sweep_takes_vfs(capsys) -> None:
    up = "syncers=1,syncs=1,errors=1,upper-syncers=0,upper-syncs=1,threads=1,overlays=1"
    assert main(["sweep", "--scheme", "none", "--lock", "none", "--property", "lost",
                 "--up-to", up, "--vfs", LAYTON, "--no-cache", "--jobs", "1"]) == 0
    assert "vfs=" + LAYTON.replace("/", "%2F") in capsys.readouterr().out


def test_spin_agrees_on_a_vfs_world(capsys) -> None:
    spin = pytest.importorskip("checks.spin")
    if not spin.available():
        pytest.skip("spin or gcc not installed")
    assert main(["spin", "cursor", "--vfs", LAYTON, "--scenario", "shared-fd", "--property",
                 "lost", "--json"]) in (0, 1)
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["agree"] for r in rows)


#: the bad-VFS battery: file -> (line, column, words of the message)
BATTERY = {
    "vfs_unknown_call.c": (16, 9, "call to unknown function 'errseq_frob' (supported in a "
                                  "VFS file:"),
    "vfs_leaked_lock.c": (16, 2, "takes 'fd1.f_lock' and some path reaches"),
    "vfs_write_sb.c": (17, 2, "the VFS writes sb->s_wb_err directly"),
    "vfs_overlay.c": (16, 35, "'ovl_upper_mnt' is overlayfs's"),
    "vfs_no_syscall.c": (1, 1, "no 'SYSCALL_DEFINE1(syncfs, int, fd)' in this VFS file"),
    "vfs_syntax.c": (16, 49, "syntax error"),
}


@pytest.mark.parametrize("name", sorted(BATTERY))
def test_bad_vfs_file_is_one_located_message(name: str, capsys) -> None:
    line, col, words = BATTERY[name]
    path = str(BAD / name)
    with pytest.raises(CError):
        load_vfs(path)
    assert main(["check", "none", "--vfs", path, "--scenario", "seed"]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}:{line}:{col}: error: "), err
    assert words in lines[0]
    assert len(lines) == 3 and lines[2].rstrip().endswith("^")
    assert "Traceback" not in err


def test_every_bad_vfs_file_is_in_the_battery() -> None:
    assert sorted(p.name for p in BAD.glob("vfs_*.c")) == sorted(BATTERY)


@pytest.mark.parametrize(("argv", "words"), [
    (["check", "none", "--vfs", LAYTON, "--flock"], "--vfs and --flock"),
    (["check", "none", "--vfs", "model/vfs/nope.c"], "cannot read VFS file"),
    (["check", "none", "--vfs", "layton"], "expected a C file"),
    (["replay", "none/none/seed/lost/flock=1+vfs=" + LAYTON.replace("/", "%2F") + "/W"],
     "--vfs and --flock"),
])
def test_vfs_usage_errors_are_one_line(argv: list[str], words: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


def test_vfs_file_as_scheme_and_scheme_as_vfs_are_located(capsys) -> None:
    assert main(["check", V5_11]) == 2
    err = capsys.readouterr().err.splitlines()
    row = _line(V5_11, "SYSCALL_DEFINE1(syncfs")
    assert err[0].startswith(f"{V5_11}:{row}:1: error: this file holds a VFS change"), err
    assert "--vfs FILE" in err[0] and len(err) == 3
    scheme = str(HERE.parent / "model" / "schemes" / "cursor.c")
    assert main(["check", "none", "--vfs", scheme]) == 2
    err = capsys.readouterr().err.splitlines()
    row = _line(scheme, "static int ovl_sync_fs(")
    assert err[0].startswith(f"{scheme}:{row}:12: error: 'ovl_sync_fs' is overlayfs's"), err
    assert len(err) == 3
