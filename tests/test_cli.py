"""The command line: verdicts, traces, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
    assert "WRITE_ONCE(O, src) = ctr=0 EIO" in out
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
