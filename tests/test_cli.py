"""The command line: verdicts, traces, JSON, exit codes, one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.cli import main


def run(*args: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_copy_naive_seed_shows_the_threads_reported_twice_case() -> None:
    code, out, err = run("check", "copy-naive", "--scenario", "seed", "--property", "double")
    assert code == 1, err
    assert "double    violated (11 steps)" in out
    assert "P1: syncfs(fd1) -> -EIO ; P1: syncfs(fd1) -> -EIO  # double" in out
    # the step text is copy_naive.c's statement, as the trace wraps it
    assert "READ_ONCE(upper_sb->s_wb_err))" in out
    assert "[copy_naive.c:62]: O := ctr=0 EIO" in out
    assert "^ step 11: double" in out


def test_none_seed_shows_the_lost_error() -> None:
    code, out, _ = run("check", "none", "--scenario", "seed", "--property", "lost")
    assert code == 1
    assert "lost      violated (4 steps)" in out
    assert "syncfs(fd1) -> 0  # lost" in out


def test_all_hold_exits_zero() -> None:
    code, out, _ = run("check", "cursor", "--lock", "spinlock", "--scenario", "seed")
    assert code == 0
    assert "violated" not in out


def test_json_is_one_object_with_the_documented_shape() -> None:
    code, out, _ = run("check", "copy-naive", "--scenario", "seed", "--json",
                       "--property", "double,lost")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"scheme", "lock", "scenario", "engine", "params", "results"}
    assert doc["engine"] == "explicit" and doc["params"]["errors"] == ["EIO"]
    double = doc["results"][0]
    assert double["property"] == "double" and double["verdict"] == "violated"
    assert double["trace_length"] == len(double["trace"]) == 11
    assert {"actor", "action", "state"} <= set(double["trace"][0])
    assert double["trace"][-1]["state"]["O"] == "ctr=0 EIO SEEN"
    assert isinstance(double["states"], int) and isinstance(double["seconds"], float)


def test_overrides_reach_the_world() -> None:
    code, out, _ = run("check", "copy-counter", "--scenario", "race", "--errors", "ENOSPC",
                       "--syncers", "1", "--upper-syncers", "0", "--counter-bits", "3",
                       "--property", "lost", "--json")
    p = json.loads(out)["params"]
    assert (p["errors"], p["syncers"], p["upper_syncers"], p["counter_bits"]) == (
        ["ENOSPC"], 1, 0, 3)


@pytest.mark.parametrize("args,needle", [
    (["check", "copy-nave"], "did you mean 'copy-naive'"),
    (["check", "none", "--lock", "mutexx"], "unknown discipline"),
    (["check", "none", "--property", "lots"], "unknown property"),
    (["check", "none", "--scenario", "sed"], "unknown scenario"),
    (["check", "none", "--syncers", "0"], "--syncers must be in 1..8"),
    (["check", "none", "--syncs", "-1"], "--syncs must be in"),
    (["check", "none", "--errors", "EIO,EFOO"], "unknown errno name"),
    (["check", "none", "--errors", "4096"], "outside 1..4095"),
    (["check", "none", "--counter-bits", "33"], "--counter-bits must be in 1..32"),
    (["check", "none", "--sync-fs-errors", "maybe"], "unknown --sync-fs-errors value"),
    (["check", "none", "--max-states", "0"], "--max-states must be positive"),
    (["check", "none", "--overlays", "3", "--syncers", "2"], "needs at least as many"),
    (["check", "none", "--bogus"], "No such option"),
    (["check", "none", "--syncers", "x"], "not a valid integer"),
    (["check", "none", "--errors", ""], "--errors: empty entry"),
    (["check", "none", "--open-first", "--scenario", "late-open"], "conflicts with"),
    (["check", "none", "--max-seconds", "1e400"], "finite"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str, capsys) -> None:
    assert main(args) == 2
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1, cap.err
    assert needle in lines[0]
    assert "Traceback" not in cap.err and cap.out == ""


def test_list_names_the_catalogue(capsys) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("copy-naive", "copy-counter", "cursor", "upper-cursor", "mustinc", "volatile",
                 "volatile-6.12", "spinlock", "backward", "two-overlays", "stress"):
        assert name in out


def test_params_show_the_bounds_the_discipline_built() -> None:
    code, out, _ = run("check", "copy-counter", "--lock", "wide-counter", "--scenario", "wrap",
                       "--property", "wrap", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["params"]["counter_bits"] == 51
    assert doc["results"][0]["verdict"] == "holds"


# -- random argument lists ---------------------------------------------------------------------

_OPTIONS = ["--lock", "--scenario", "--property", "--engine", "--syncers", "--syncs",
            "--upper-syncers", "--upper-syncs", "--errors", "--counter-bits", "--overlays",
            "--threads", "--sync-fs-errors", "--max-states", "--max-seconds", "--max-depth",
            "--max-memory"]
_FLAGS = ["--flock", "--json", "--open-first", "--no-timings", "--bogus", "-h"]
_WORDS = ["check", "list", "none", "cursor", "copy-naive", "mustinc", "volatile-6.12",
          "spinlock", "mutex", "seed", "race", "stress", "wrap", "lost", "double,unseen",
          "deadlock", "explicit", "smt", "both", "EIO", "EIO,ENOSPC", "-5", "4096", "E#12",
          "returned", "ignored", "--output=/nonexistent-dir/report", "", " ", "--", "-",
          "nan", "inf", "1e9", "0", "1", "2", "3", "-1", "99999999999999999999"]


@st.composite
def _argv(draw: st.DrawFn) -> list[str]:
    token = st.one_of(
        st.sampled_from(_OPTIONS + _FLAGS + _WORDS),
        st.integers(-10**12, 10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12),
    )
    head = draw(st.sampled_from([[], ["check"], ["check", "none"], ["list"]]))
    return head + draw(st.lists(token, max_size=8))


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_argv())
def test_random_arguments_never_crash(argv: list[str]) -> None:
    """Whatever the arguments: a documented exit code; on a usage error exactly one line on
    stderr and no traceback.  Every run is bounded (the limits come last, so they win)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv + ["--max-states", "300", "--max-seconds", "2"]
                    if argv[:1] == ["check"] else argv)
    assert code in {0, 1, 2, 4}, (argv, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 2:
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 1 or out.getvalue().startswith("Usage:"), (argv, err.getvalue())


_VALUES = {
    "--lock": st.sampled_from(["none", "spinlock", "mutex"]),
    "--scenario": st.sampled_from(["seed", "race", "wrap", "shared-fd", "late-open",
                                   "two-overlays", "stress", "nope"]),
    "--property": st.sampled_from(["lost", "double", "unseen", "backward", "wrap",
                                   "deadlock", "lost,double", "nope"]),
    "--engine": st.sampled_from(["explicit", "smt", "both", "tla"]),
    "--syncers": st.integers(-1, 10).map(str),
    "--syncs": st.integers(-1, 8).map(str),
    "--upper-syncers": st.integers(-1, 10).map(str),
    "--upper-syncs": st.integers(-1, 8).map(str),
    "--errors": st.sampled_from(["EIO", "EIO,ENOSPC", "5,28,122", "0", "EIO," * 9, "ENOPE"]),
    "--counter-bits": st.integers(-1, 40).map(str),
    "--overlays": st.integers(-1, 6).map(str),
    "--threads": st.integers(-1, 6).map(str),
    "--sync-fs-errors": st.sampled_from(["returned", "ignored", "maybe"]),
    "--max-depth": st.integers(-1, 30).map(str),
    "--max-memory": st.integers(-1, 4096).map(str),
}


@st.composite
def _check_argv(draw: st.DrawFn) -> list[str]:
    scheme = draw(st.sampled_from(["none", "copy-naive", "copy-counter", "cursor",
                                   "upper-cursor", "mustinc", "volatile", "volatile-6.12",
                                   "curser"]))
    argv = ["check", scheme]
    for opt in draw(st.lists(st.sampled_from(sorted(_VALUES)), max_size=5, unique=True)):
        argv += [opt, draw(_VALUES[opt])]
    argv += draw(st.lists(st.sampled_from(["--flock", "--json", "--open-first",
                                           "--no-timings"]), max_size=2, unique=True))
    return argv


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_check_argv())
def test_random_well_formed_checks_are_bounded_and_answer(argv: list[str]) -> None:
    """Option lists shaped like real use, with values in and out of range: a verdict (0, 1,
    4) or a one-line usage error (2), never a crash, never a disagreement (3)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv + ["--max-states", "400", "--max-seconds", "1"])
    assert code in {0, 1, 2, 4}, (argv, code, err.getvalue())
    if code == 2:
        assert len(err.getvalue().strip().splitlines()) == 1, (argv, err.getvalue())
        assert out.getvalue() == ""
    else:
        assert err.getvalue() == "" and out.getvalue()
