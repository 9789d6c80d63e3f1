"""``syncfs-mc trace`` and ``replay``: renderers, the JSON schema, the replay key."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from checks.cli import main
from reports.trace import SCHEMA
from specs.replaykey import BadKey, make_key, parse_key
from specs.results import Trace, TraceReport
from specs.scenarios import SCENARIOS


def run(*args: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def validate(doc: Any, schema: dict[str, Any], path: str = "$") -> None:
    """The subset of JSON Schema that trace.schema.json uses (no jsonschema dependency)."""
    if "const" in schema:
        assert doc == schema["const"], path
    if "enum" in schema:
        assert doc in schema["enum"], path
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        pytypes = {"object": dict, "array": list, "string": str, "boolean": bool,
                   "null": type(None), "integer": int}
        assert any(isinstance(doc, pytypes[t]) and not (t == "integer" and isinstance(doc, bool))
                   for t in types), f"{path}: {doc!r} is not {types}"
    if isinstance(doc, dict):
        for k in schema.get("required", []):
            assert k in doc, f"{path}: missing {k}"
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, v in doc.items():
            if k in props:
                validate(v, props[k], f"{path}.{k}")
            elif extra is False:
                raise AssertionError(f"{path}: unexpected {k}")
            elif isinstance(extra, dict):
                validate(v, extra, f"{path}.{k}")
    if isinstance(doc, list) and "items" in schema:
        for i, x in enumerate(doc):
            validate(x, schema["items"], f"{path}[{i}]")
    if "minimum" in schema:
        assert doc >= schema["minimum"], path


def test_json_follows_the_schema_and_round_trips() -> None:
    code, out, err = run("trace", "copy-naive", "--property", "double", "--format", "json")
    assert code == 1, err
    doc = json.loads(out)
    validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["length"] == len(doc["steps"]) == 11
    trace = Trace.from_json(doc)
    assert trace.to_json() == {k: doc[k] for k in trace.to_json()}
    rep = TraceReport.from_json(doc)
    assert rep.to_json() == doc


def test_text_shows_changes_the_promise_and_a_key_that_replays() -> None:
    code, out, _ = run("trace", "copy-naive", "--property", "double")
    assert code == 1
    assert "double violated in 11 steps" in out
    assert "^ step 11: double — fd1 is told -EIO again" in out
    key = out.strip().splitlines()[-1].removeprefix("replay: syncfs-mc replay ")
    assert key.startswith("copy-naive/none/seed/double/-/")
    code2, out2, _ = run("replay", key)
    assert code2 == 1 and out2 == out
    # a row where O did not move leaves O's column blank
    head = next(line for line in out.splitlines() if line.startswith("  #  actor"))
    row4 = next(line for line in out.splitlines() if line.startswith("  4  P1"))
    assert len(row4.rstrip()) < head.index("U.s_wb_err")


def test_replay_key_round_trips_with_overrides() -> None:
    params = SCENARIOS["race"][0].__class__(**{**SCENARIOS["race"][0].__dict__, "syncs": 3,
                                             "errors": (5, 28, 5), "flock": True})
    key = make_key("cursor", "spinlock", "race", "lost", params, ("P1", "W", "W"))
    text = str(key)
    assert text == "cursor/spinlock/race/lost/syncs=3+errors=EIO.ENOSPC.EIO+flock=1/P1,W,W"
    assert parse_key(text) == key


@pytest.mark.parametrize("bad", ["a/b/c", "a/b/c/d/nofield=1/P1", "a/b/c/d/syncs=x/P1",
                                 "a/b/c/d/-/"])
def test_bad_keys_are_rejected(bad: str) -> None:
    with pytest.raises(BadKey):
        parse_key(bad)


def test_mermaid_and_dot_have_lifelines_and_the_violation() -> None:
    code, out, _ = run("trace", "copy-naive", "--property", "lost", "--format", "mermaid")
    assert code == 1
    assert out.startswith("sequenceDiagram\n")
    for p in ("participant P1", "participant P2", "participant W",
              "participant U as U.s_wb_err", "participant O as O.s_wb_err"):
        assert p in out
    assert "rect rgb(255, 205, 205)" in out and "violated: lost" in out
    assert "#35;" in out  # '#' escaped
    code, out, _ = run("trace", "copy-naive", "--property", "lost", "--format", "dot")
    assert out.startswith("digraph trace {") and out.rstrip().endswith("}")
    assert "color=red" in out and "U.s_wb_err" in out


def test_holds_means_no_trace(capsys) -> None:
    assert main(["trace", "cursor", "--lock", "spinlock", "--property", "lost"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "" and "holds" in cap.err


@pytest.mark.parametrize("args,needle", [
    (["trace", "copy-naive"], "Missing option '--property'"),
    (["trace", "copy-naive", "--property", "double", "--format", "svgz"], "unknown format"),
    (["replay", "copy-naive/none/seed/double/-/W,W,P1"], "does not replay"),
    (["replay", "copy-naive/none/seed/double/-/X"], "does not replay"),
    (["replay", "nope/none/seed/double/-/W"], "unknown scheme"),
    (["replay", "a/b"], "expected 6"),
    (["trace", "copy-naive", "--property", "lost", "--minimize", "fast"],
     "unknown --minimize value"),
    (["check", "copy-naive", "--engine", "smt", "--minimize", "preemptions"],
     "needs --engine explicit"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle, capsys) -> None:
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], lines
