"""The scheme headers cannot go stale: each catalogue scheme's header (the leading comment of
its C file, model/schemes/*.c, or the docstring of a module that still holds a Python class)
holds the kernel pseudocode and ONE worked bad interleaving, given as a replay key that is
replayed here step by step; no header states a verdict, a shortest length or a state count
(those live in ``expected_verdicts.json``)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import model.schemes
from checks.replay import replay
from model.schemes import C_CATALOGUE
from model.variants import SCHEMES, load_catalogue
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

load_catalogue()
HERE = Path(model.schemes.__file__).parent
#: the catalogue's C files (by file name) and the Python modules that still register a class
C_FILES = {C_CATALOGUE[s][0]: s for s, obj in SCHEMES.items()
           if type(obj).__module__ == "model.cfront.scheme"}
MODULES = sorted(C_FILES) + sorted(
    m.name for m in pkgutil.iter_modules(model.schemes.__path__)
    if any(type(o).__module__ == f"model.schemes.{m.name}" for o in SCHEMES.values()))
KEY = re.compile(r"^\s*replay: (\S+)$", re.M)
# what a figure looks like: "13 steps", "582,453 states", "11/15", "(21)"; not a manual
# section ("syncfs(2)")
FIGURE = re.compile(r"\b\d[\d,]*\s+(?:steps?|states)\b|\b\d+/\d+\b|(?<!\w)\(\d+\)")
PATCH_NO = re.compile(r"(?i)\bpatch(?: v\d+)? \d+/\d+")  # "[RFC PATCH v2 1/2]", "patch 3/3"


def _c_header(src: str) -> str:
    """The leading comment of a C file, without its ``/*``, ``*/`` and `` * `` margins."""
    assert src.startswith("/*"), "a catalogue C file opens with its header comment"
    body = src[2:src.index("*/")]
    return "\n".join(line.strip().removeprefix("*").removeprefix(" ")
                     for line in body.splitlines())


def _header(name: str) -> tuple[str, list[str]]:
    if name.endswith(".c"):
        return _c_header((HERE / name).read_text()), [C_FILES[name]]
    mod = importlib.import_module(f"model.schemes.{name}")
    doc = mod.__doc__ or ""
    schemes = [s for s, obj in SCHEMES.items() if type(obj).__module__ == mod.__name__]
    return doc, schemes


@pytest.mark.parametrize("name", MODULES)
def test_header_has_one_interleaving_that_replays_to_its_violation(name: str) -> None:
    doc, schemes = _header(name)
    keys = KEY.findall(doc)
    assert len(keys) == 1, f"{name}: one worked interleaving (a 'replay: KEY' line), not {keys}"
    scheme, lock, scenario, prop, overrides, schedule = keys[0].split("/")
    assert scheme in schemes, f"{name}: the key names {scheme}, not a scheme of this module"
    assert overrides == "-" and prop != "wrap", "keep the header's key to a plain preset"
    rc = resolve(scheme, lock, scenario, SCENARIOS[scenario][0], prop)
    trace = replay(rc.world, tuple(schedule.split(",")), prop)  # raises unless it violates
    assert trace.reason.startswith(prop)
    assert f"``{prop}``" in doc, f"{name}: say which property the interleaving breaks"


@pytest.mark.parametrize("name", MODULES)
def test_header_states_no_verdict_figures(name: str) -> None:
    doc, _ = _header(name)
    found = FIGURE.findall(PATCH_NO.sub("", doc))
    assert not found, f"{name}: figures belong in tests/expected_verdicts.json: {found}"
    for claim in ("every preset", "all six presets", "Expected verdicts"):
        assert claim not in doc, f"{name}: {claim!r} is a verdict claim that can go stale"


@pytest.mark.parametrize("name", MODULES)
def test_header_interleaving_replays_on_the_c_catalogue(name: str) -> None:
    """The same worked interleaving, step for step, on the scheme's C file (``c:NAME``,
    model/schemes/*.c): the C catalogue has the Python's granularity, so the headers can
    move to the C files unchanged when those become the source of truth."""
    from model.schemes import C_CATALOGUE

    doc, _ = _header(name)
    scheme, lock, scenario, prop, _, schedule = KEY.findall(doc)[0].split("/")
    assert scheme in C_CATALOGUE, f"{name}: {scheme} has no C file"
    rc = resolve(f"c:{scheme}", lock, scenario, SCENARIOS[scenario][0], prop)
    trace = replay(rc.world, tuple(schedule.split(",")), prop)  # raises unless it violates
    assert trace.reason.startswith(prop)
