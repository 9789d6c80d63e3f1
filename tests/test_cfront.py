"""Schemes written in kernel C (model/cfront): parity with the catalogue, diagnostics, keys.

Parity here is a spot check (``seed`` and ``late-open`` under ``--lock none``);
``python tests/c_parity.py FILE SCHEME`` compares every recorded row of a scheme.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from checks.cli import main
from model.cfront import CError, load_scheme
from model.variants import scheme_for
from specs.replaykey import parse_key

sys.path.insert(0, str(Path(__file__).parent))
from test_expected_verdicts import run_case  # noqa: E402

HERE = Path(__file__).parent
SCHEMES = HERE.parent / "model" / "schemes"
BAD = HERE / "cbad"
EXPECTED = json.loads((HERE / "expected_verdicts.json").read_text())

#: C file -> the catalogue scheme whose recorded rows it must give
PARITY = {"none.c": "none", "copy_naive.c": "copy-naive", "copy_counter.c": "copy-counter",
          "cursor.c": "cursor", "upper_cursor.c": "upper-cursor"}


def _plain(row: dict) -> dict:
    return {p: {k: v for k, v in c.items() if k != "by_design"} for p, c in row.items()}


@pytest.mark.parametrize("scenario", ["seed", "late-open"])
@pytest.mark.parametrize("file", sorted(PARITY))
def test_c_scheme_gives_the_recorded_rows(file: str, scenario: str) -> None:
    got = run_case(str(SCHEMES / file), "none", scenario, {})
    want = EXPECTED[f"{PARITY[file]} --lock none --scenario {scenario}"]
    assert _plain(got) == _plain(want)


def test_the_thread_case_from_layton_diff(capsys) -> None:
    """J. Layton's diff, as ovl_sync_fs reads after it: double in 11 steps, as the thread's
    P2 case worked by hand; the key carries the path and replays."""
    path = str(SCHEMES / "copy_naive.c")
    assert main(["trace", path, "--scenario", "seed", "--property", "double"]) == 1
    out = capsys.readouterr().out
    line = next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1)
                if t.startswith("\t") and "WRITE_ONCE(sb->s_wb_err," in t)
    assert f"[copy_naive.c:{line}]" in out and "WRITE_ONCE(sb->s_wb_err," in out
    key = re.search(r"replay: syncfs-mc replay (\S+)", out).group(1)  # type: ignore[union-attr]
    assert parse_key(key).scheme == path and key.count("/") == 5
    assert main(["replay", key]) == 1
    assert "double violated in 11 steps" in capsys.readouterr().out


def test_volatile_runs_its_check_in_both_sync_fs_calls() -> None:
    """The v5.11 code checks U before 'if (!wait)': both ->sync_fs calls run it unless the
    first returns -EIO (v5.17+).  volatile.c is the catalogue's ``volatile``, so c:volatile
    gives its recorded rows; before v5.17 (both calls always run) the shortest double is 16
    steps (the Python class volatile.c replaced ran the check once: 13)."""
    for opts, key in (({}, ""), ({"sync_fs_errors": "ignored"}, " --sync-fs-errors=ignored")):
        got = run_case("c:volatile", "none", "seed", opts)
        assert got == EXPECTED["volatile --lock none --scenario seed" + key]
    assert got["double"]["length"] == 16


def test_volatile_6_12_from_the_v6_12_code() -> None:
    """c:volatile-6.12 is fs/overlayfs/super.c after 34b4540e6646 (OVL_FS(sb), no
    errseq_set on O), the catalogue's ``volatile-6.12``: its recorded verdicts in every
    preset row (its check runs in both ->sync_fs calls; with ->sync_fs's return ignored,
    the shortest loss is 6 steps, where the Python class it replaced, which ran the check
    once, gave 5)."""
    for scenario in ("seed", "race", "shared-fd", "two-overlays"):
        got = run_case("c:volatile-6.12", "none", scenario, {}, nosym=False)
        want = EXPECTED[f"volatile-6.12 --lock none --scenario {scenario}"]
        assert {p: c["verdict"] for p, c in got.items()} == {
            p: c["verdict"] for p, c in want.items()}
    got = run_case("c:volatile-6.12", "none", "seed", {"sync_fs_errors": "ignored"},
                   nosym=False)
    want = EXPECTED["volatile-6.12 --lock none --scenario seed --sync-fs-errors=ignored"]
    assert got["lost"] == {"verdict": "violated", "length": 6} == want["lost"]


@pytest.mark.parametrize("lock", ["spinlock-read-u", "mutex-read-u"])
def test_upper_cursor_read_u_leaves_the_vfs_check_alone(lock: str) -> None:
    """V. Goyal v3's U accesses are all in s_op->errseq_check_advance, the VFS's check: a
    read-u lock wraps none of them, as no discipline wraps the Python scheme's check (its
    recorded rows are those of --lock none)."""
    want = json.loads((HERE / "expected_disciplines.json").read_text())
    for scenario in ("seed", "shared-fd"):
        got = run_case(str(SCHEMES / "upper_cursor.c"), lock, scenario, {})
        assert _plain(got) == _plain(want[f"upper-cursor --lock {lock} --scenario {scenario}"])


def test_c_schemes_stay_out_of_the_catalogue() -> None:
    from model.variants import SCHEMES

    scheme_for("c:cursor")
    assert "c:cursor" not in SCHEMES


def test_goyal_v2_hides_an_error_from_a_later_opener() -> None:
    """V. Goyal v2: O is U's cursor and keeps SEEN (J. Layton's objection): unseen."""
    got = run_case("c:goyal-v2", "none", "seed", {})
    assert got["unseen"]["verdict"] == "violated"
    assert got["lost"]["verdict"] == got["double"]["verdict"] == "holds"


def test_c_locals_do_not_clash_with_the_worlds() -> None:
    s = scheme_for(str(SCHEMES / "cursor.c"))
    assert "c_err" in s.c_locals  # type: ignore[attr-defined]


#: bad file -> (line, column, words the message must hold)
BATTERY = {
    "syntax.c": (3, 11, "syntax error"),
    "unknown_call.c": (8, 2, "call to unknown function 'errseq_frob' (supported:"),
    "loop.c": (7, 2, "unbounded loop ('while'): it does not end within 64 iterations"),
    "loop_cond.c": (8, 8, "unbounded loop ('while'): its condition '(src != 0)' is not a "
                          "constant"),
    "pointer.c": (3, 30, "unknown function 'get_super'"),
    "write_upper.c": (8, 2, "writes upper_sb->s_wb_err directly"),
    "leaked_lock.c": (13, 2, "still held"),
    "undeclared.c": (5, 27, "'src' is not declared"),
    "no_field.c": (12, 41, "has no field 'cursor'"),
    "no_sync_fs.c": (1, 1, "no 'ovl_sync_fs("),
    "compound.c": (7, 2, "compound assignment '|='"),
    "positive_errno.c": (5, 28, "needs a negative errno"),
    "goto_backward.c": (10, 3, "goto 'again' jumps backward"),
    "goto_nolabel.c": (9, 3, "label 'out' is not defined in this function"),
    "two_reads.c": (9, 42, "more than one access to shared memory"),
    "peek_no_mustinc.c": (14, 16, "errseq_peek is the MUSTINC RFC's"),
    "lock_early_return.c": (13, 2, "which takes it again, with it still held (not released "
                                   "on that path)"),
    "call_pointer.c": (9, 9, "call through a pointer is not supported"),
    "operator.c": (9, 27, "operator '*' is not supported here"),
    "switch.c": (7, 2, "switch statement is not in the supported subset"),
    "array.c": (6, 11, "'seen[2]' declares an array: only scalars and pointers"),
    "recursion.c": (8, 10, "call to 'ovl_sync_fs', which the VFS calls"),
    "unlock_unheld.c": (14, 2, "spin_unlock of '&ofs->errseq_lock', which no code in this "
                               "file takes with spin_lock"),
}


@pytest.mark.parametrize("name", sorted(BATTERY))
def test_bad_file_is_one_located_message(name: str, capsys) -> None:
    line, col, words = BATTERY[name]
    path = str(BAD / name)
    with pytest.raises(CError):
        load_scheme(path)
    assert main(["check", path, "--scenario", "seed"]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}:{line}:{col}: error: "), err
    assert words in lines[0]
    assert len(lines) == 3 and lines[2].rstrip().endswith("^")
    assert "Traceback" not in err


def test_every_bad_file_is_in_the_battery() -> None:  # (good ones: tests/cgood/)
    # (vfs_*.c: the --vfs battery, tests/test_vfs.py)
    assert sorted(p.name for p in BAD.glob("*.c") if not p.name.startswith("vfs_")) == sorted(
        set(BATTERY) | {"two_returns.c"})


def test_two_returns_with_different_values_are_folded() -> None:
    """'return -EIO;' on one path of an if and 'return 0;' after it: the result is set by
    the step that reaches each return (ProgramBuilder.fold), with no step of its own."""
    got = run_case(str(BAD / "two_returns.c"), "none", "seed", {})
    assert got["lost"]["verdict"] == "violated"


def _json_row(out: str) -> dict:
    """A check's --json output as a recorded row (verdict, length or states)."""
    row = {}
    for r in json.loads(out)["results"]:
        cell = {"verdict": r["verdict"]}
        cell.update({"length": r["trace_length"]} if r["trace_length"] else {
            "states": r["states"]})
        row[r["property"]] = cell
    return row


def _run(capsys, argv: list[str]) -> str:
    main(argv)
    return capsys.readouterr().out


def test_mount_option_is_a_world_switch(capsys) -> None:
    """volatile.c tests ofs->config.ovl_volatile (behind ovl_should_sync()): mounted without
    the option it is non-volatile overlayfs (the recorded 'none' row: ovl_sync_status folds
    to 1, no step of its own); with --mount-option volatile it is c:volatile."""
    path = str(SCHEMES / "volatile.c")
    off = _run(capsys, ["check", path, "--scenario", "seed", "--json"])
    assert "mount_options" not in json.loads(off)
    want = {p: {k: v for k, v in c.items() if k != "states_nosym"}
            for p, c in EXPECTED["none --lock none --scenario seed"].items()}
    assert _json_row(off) == want
    on = _run(capsys, ["check", path, "--mount-option", "volatile", "--scenario", "seed",
                       "--json"])
    assert json.loads(on)["mount_options"] == ["volatile"]
    got = _json_row(on)
    assert got["lost"]["verdict"] == "holds" and got["double"]["verdict"] == "violated"
    assert got == _json_row(_run(capsys, ["check", "c:volatile", "--scenario", "seed",
                                          "--json"]))


def test_mount_option_travels_in_the_replay_key(capsys) -> None:
    path = str(SCHEMES / "volatile.c")
    assert main(["trace", path, "--mount-option", "volatile", "--scenario", "seed",
                 "--property", "double"]) == 1
    out = capsys.readouterr().out
    key = re.search(r"replay: syncfs-mc replay (\S+)", out).group(1)  # type: ignore[union-attr]
    k = parse_key(key)
    assert k.mount_options == ("volatile",) and "mount=volatile" in key
    assert parse_key(str(k)) == k
    assert main(["replay", key]) == 1
    assert "double violated in" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["check", str(SCHEMES / "volatile.c"), "--mount-option", "redirect_dir"],
    ["check", "copy-naive", "--mount-option", "volatile"],
    ["trace", str(BAD / "two_returns.c"), "--property", "lost", "--mount-option", "volatile"],
    ["compare", "--scheme", "copy-naive", "--lock", "none", "--mount-option", "volatile"],
])
def test_mount_option_nothing_tests_is_refused(argv: list[str], capsys) -> None:
    assert main(argv + ["--scenario", "seed"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "never tests it" in err[0], err


GOOD = HERE / "cgood"


@pytest.mark.parametrize("lock", ["none", "spinlock"])
@pytest.mark.parametrize("scenario", ["seed", "late-open"])
def test_gotos_and_a_bounded_loop_give_copy_naive_rows(scenario: str, lock: str) -> None:
    """copy_naive.c with its early returns as 'goto out;' and the copy in 'for (i = 0; i <
    1; i++)': the same steps, so every recorded number of copy-naive."""
    got = run_case(str(GOOD / "copy_naive_goto.c"), lock, scenario, {})
    want = EXPECTED[f"copy-naive --lock {lock} --scenario {scenario}"]
    assert _plain(got) == _plain(want)


def test_goto_forward_skips_the_first_sync_fs_call() -> None:
    """'if (!wait) goto out;': only the ->sync_fs(sb, 1) call sets O, which invents an
    error: double at the first syncfs (open, two steps of errseq_set, the check)."""
    got = run_case(str(GOOD / "goto_forward.c"), "none", "seed", {}, nosym=False)
    assert got["double"] == {"verdict": "violated", "length": 5}
    assert got["lost"]["verdict"] == "holds"


def test_goto_join_of_different_values_is_volatile_6_12() -> None:
    """'ret = -EIO; goto out;' on one path, 0 on the others, joined at 'out' (a signed
    local from there on): volatile-6.12's verdicts and shortest double."""
    for scenario in ("seed", "race"):
        got = run_case(str(GOOD / "goto_join.c"), "none", scenario, {}, nosym=False)
        want = run_case("volatile-6.12", "none", scenario, {}, nosym=False)
        assert {p: c["verdict"] for p, c in got.items()} == {
            p: c["verdict"] for p, c in want.items()}
        assert got["double"]["length"] == want["double"]["length"] == 7


def test_bounded_for_is_unrolled_with_break_and_continue(capsys) -> None:
    """'for (i = 0; i < n; i++)' with n = 2: two copies per call (the WRITE_ONCE of line 21
    twice in the trace); 'break' when U reads 0, so a 0 is never copied and nothing is
    lost; 'continue' on i == 5 folds away."""
    path = str(GOOD / "loops.c")
    got = run_case(path, "none", "seed", {}, nosym=False)
    assert got["lost"]["verdict"] == "holds"
    assert got["backward"] == {"verdict": "violated", "length": 11}
    assert main(["trace", path, "--scenario", "seed", "--property", "backward"]) == 1
    out = capsys.readouterr().out
    assert out.count("[loops.c:21]") == 3  # twice in the first call, once in the second


@pytest.mark.parametrize("lock,scenario", [("none", "seed"), ("spinlock", "seed"),
                                           ("none", "late-open"), ("none", "shared-fd")])
def test_mustinc_c_gives_the_recorded_rows(lock: str, scenario: str) -> None:
    """J. Layton's RFC v2 in C (model/schemes/mustinc.c: '#define ERRSEQ_MUSTINC' gives the
    world the RFC layout, errseq_peek at mount, the volatile mount option): every recorded
    number of the Python mustinc, states included (tests/c_parity.py: all of its rows but
    --lock cmpxchg in seed and shared-fd, fewer states there: the C zeroes the dead err
    across a failed cmpxchg's restart, the Python keeps it)."""
    got = run_case("c:mustinc", lock, scenario, {})
    want = EXPECTED[f"mustinc --lock {lock} --scenario {scenario}"]
    assert got == want


def test_mustinc_c_without_volatile_is_plain_overlayfs_on_the_rfc_layout() -> None:
    s = scheme_for(str(SCHEMES / "mustinc.c"))
    assert s.mustinc and s.tested_mount_options == {"volatile"}  # type: ignore[attr-defined]
    got = run_case(str(SCHEMES / "mustinc.c"), "none", "seed", {}, nosym=False)
    assert got["lost"]["verdict"] == "violated"  # nothing reaches O


@pytest.mark.parametrize("lock", ["none", "cmpxchg"])
@pytest.mark.parametrize("scenario", ["seed", "late-open"])
def test_dhillon_diff_as_a_reviewer_writes_it(scenario: str, lock: str) -> None:
    """S. Dhillon's errseq_counter diff (seed thread, 2020-11-28) written as the functions
    read after it, from the README only: #includes, the whole v5.10 ovl_fill_super around
    the one new line (kzalloc, error exits, 'if (ofs->config.upperdir)'), errseq_counter's
    definition.  It gives copy-counter's recorded rows."""
    got = run_case(str(GOOD / "dhillon_errseq_counter.c"), lock, scenario, {})
    want = EXPECTED.get(f"copy-counter --lock {lock} --scenario {scenario}") or json.loads(
        (HERE / "expected_disciplines.json").read_text())[
        f"copy-counter --lock {lock} --scenario {scenario}"]
    assert _plain(got) == _plain(want)


def test_dhillon_mount_line_inside_ifs_is_not_dropped(capsys) -> None:
    """The mount copy sits inside 'if (ofs->config.upperdir) { ... }' among lines the model
    skips; ofs->config.upperdir is set (the model's overlay has an upper), so it runs; the
    volatile branch needs its ovl_fs field declared, said where it is used."""
    path = str(GOOD / "dhillon_errseq_counter.c")
    assert main(["trace", path, "--scenario", "seed", "--property", "lost"]) == 1
    out = capsys.readouterr().out
    assert "before: mount: sb->s_wb_err = READ_ONCE(" in out
    assert main(["check", path, "--mount-option", "volatile"]) == 2
    err = capsys.readouterr().err
    assert ":89:9: error: 'struct ovl_fs' has no field 'errseq'" in err


def test_compare_gives_a_mount_option_to_the_schemes_that_test_it(capsys) -> None:
    path = str(SCHEMES / "volatile.c")
    assert main(["compare", "--scheme", f"{path},copy-naive", "--lock", "none",
                 "--mount-option", "volatile", "--scenario", "seed", "--jobs", "1",
                 "--property", "lost"]) == 0
    rows = {line.split("  ")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "holds" in rows[f"{path} --mount-option volatile --lock none"]  # volatile: sticky
    assert "violated (9 steps)" in rows["copy-naive --lock none"]  # as without the option


def test_goto_inside_an_inlined_helper() -> None:
    """goto_helper.c: goto_join.c's check moved into a helper that exits through its own
    label 'out' (the caller has one too): the same row, states included."""
    got = run_case(str(GOOD / "goto_helper.c"), "none", "seed", {})
    assert got == run_case(str(GOOD / "goto_join.c"), "none", "seed", {})


def test_verbose_prints_what_the_model_skipped(capsys) -> None:
    path = str(GOOD / "dhillon_errseq_counter.c")
    assert main(["check", path, "--verbose", "--property", "lost", "--scenario", "seed"]) == 1
    err = capsys.readouterr().err
    assert "dhillon_errseq_counter.c:69: note: 'ofs' keeps denoting ofs" in err
    assert "ofs->config.upperdir is set" in err
    assert main(["check", path, "--property", "lost", "--scenario", "seed"]) == 1
    assert "note:" not in capsys.readouterr().err


def test_export_mounts_with_the_option(capsys) -> None:
    path = str(SCHEMES / "volatile.c")
    assert main(["export", path, "--mount-option", "volatile", "--property", "double"]) == 0
    assert f"{path} --mount-option volatile --lock none" in capsys.readouterr().out


@pytest.mark.parametrize("lock", ["none", "cmpxchg"])
def test_goto_over_a_step_gives_the_same_rows_as_the_if(lock: str) -> None:
    """cursor_goto.c: cursor.c's 'if (err) errseq_set(...)' as 'if (!err) goto out;' after
    'if (!wait) return 0;' (so ->sync_fs(sb, 0) reaches the label dead: no step, no
    branch): cursor.c's rows exactly."""
    got = run_case(str(GOOD / "cursor_goto.c"), lock, "seed", {})
    assert got == run_case(str(SCHEMES / "cursor.c"), lock, "seed", {})


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_compare_marks_a_cell_that_does_not_compose(jobs: str, capsys) -> None:
    """goyal_v2.c takes its own spin_lock inside what --lock cmpxchg restarts: compare marks
    that cell 'incompatible' with the located reason and checks the others (with worker
    processes too: an error raised in one reaches the parent as itself)."""
    path = str(SCHEMES / "goyal_v2.c")
    assert main(["compare", "--scheme", path, "--lock", "none,cmpxchg", "--scenario", "seed",
                 "--property", "lost", "--jobs", jobs, "--format", "json"]) == 0
    cells = json.loads(capsys.readouterr().out)["cells"]
    by_lock = {c["lock"]: c for c in cells}
    assert by_lock["cmpxchg"]["results"] == []
    assert "goyal_v2.c:39:3: error: does not compose with --lock cmpxchg" in \
        by_lock["cmpxchg"]["incompatible"]
    assert by_lock["none"]["results"][0]["verdict"] == "holds"
    assert "incompatible" not in by_lock["none"]
    main(["compare", "--scheme", path, "--lock", "none,cmpxchg", "--scenario", "seed",
          "--property", "lost", "--jobs", jobs])
    out = capsys.readouterr().out
    assert re.search(r"goyal_v2.c --lock cmpxchg +incompatible", out)
    assert "Not checked (the scheme does not compose with the lock):" in out


def test_bench_refuses_a_variant_that_does_not_compose(capsys) -> None:
    path = str(SCHEMES / "goyal_v2.c")
    assert main(["bench", "--quick", "--variant", f"{path}/cmpxchg"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("does not compose with --lock cmpxchg: P1:15 'goyal_v2.c:39: "
                           "lock(ofs.errseq_lock)' takes 'ofs.errseq_lock' which it already "
                           "holds (self-deadlock)")
    assert err[2].strip() == "^"


def test_dhillon_volatile_v1_as_posted_lets_o_go_backward(capsys) -> None:
    """S. Dhillon's v1 of the volatile fsync behaviour (2020-12-02), as the functions read
    after the diff: errseq_set(O, ret) with the check's own error, from racing callers,
    sets O back to an error it held before (race, 15 steps); the merged v5.11 code sets
    -EIO, and its recorded backward holds.  Its key replays from the file."""
    path = str(GOOD / "dhillon_volatile_v1.c")
    assert main(["trace", path, "--mount-option", "volatile", "--scenario", "race",
                 "--property", "backward"]) == 1
    out = capsys.readouterr().out
    assert "backward violated in 15 steps" in out
    assert "[dhillon_volatile_v1.c:70]" in out
    key = re.search(r"replay: syncfs-mc replay (\S+)", out).group(1)  # type: ignore[union-attr]
    assert "/mount=volatile/" in key
    assert main(["replay", key]) == 1
    assert EXPECTED["volatile --lock none --scenario race"]["backward"]["verdict"] == "holds"


def test_bench_mounts_a_c_scheme_with_the_option(tmp_path, capsys) -> None:
    """bench --mount-option: the rows of volatile.c run on a volatile mount (double, by
    the v5.11 design), carry the option in their JSON and label; without it the same file
    is non-volatile overlayfs, where double holds."""
    path = str(SCHEMES / "volatile.c")
    for opts, verdict in ((["--mount-option", "volatile"], "violated"), ([], "holds")):
        out = tmp_path / "b.json"
        assert main(["bench", "--quick", "--variant", f"{path}/none", "--property", "double",
                     "--json", str(out), *opts]) == 0
        rows = json.loads(out.read_text())["rows"]
        assert {r["properties"][0]["verdict"] for r in rows} == {verdict}
        assert all(r.get("mount_options", []) == opts[1:] for r in rows)
        text = capsys.readouterr().out
        assert ("volatile.c/none --mount-option volatile" in text) == bool(opts)
