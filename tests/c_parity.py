"""Compare a C scheme's rows with the recorded rows of a catalogue scheme (one it rewrites,
or the catalogue entry's own file: the catalogue is model/schemes/*.c).

    python tests/c_parity.py model/schemes/copy_naive.c copy-naive [--lock none] [--scenario seed]

For each row of ``expected_verdicts.json`` and ``expected_disciplines.json`` recorded for the
catalogue scheme, the same cell is checked with the C file and the two rows are compared
(verdicts, shortest lengths, state counts with and without symmetry).  Prints one line per
row, and exits 1 if any differ.  A faster check than regenerating the matrices.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_expected_verdicts import run_case  # noqa: E402

HERE = Path(__file__).parent


def rows(scheme: str) -> dict[str, dict]:
    out = {}
    for name in ("expected_verdicts.json", "expected_disciplines.json"):
        for k, v in json.loads((HERE / name).read_text()).items():
            if k.split(" ")[0] == scheme:
                out[k] = v
    return out


def parse(k: str) -> tuple[str, str, dict]:
    m = re.match(r"\S+ --lock (\S+) --scenario (\S+)(.*)", k)
    assert m, k
    opts = {}
    for o in m.group(3).split():
        name, _, val = o.removeprefix("--").partition("=")
        opts[name.replace("-", "_")] = {"True": True, "False": False}.get(val, val)
    return m.group(1), m.group(2), opts


def main(argv: list[str]) -> int:
    path, scheme = argv[0], argv[1]
    only_lock = argv[argv.index("--lock") + 1] if "--lock" in argv else None
    only_scen = argv[argv.index("--scenario") + 1] if "--scenario" in argv else None
    bad = 0
    for k, want in sorted(rows(scheme).items()):
        lock, scen, opts = parse(k)
        if (only_lock and lock != only_lock) or (only_scen and scen != only_scen):
            continue
        got = run_case(path, lock, scen, opts)
        for row in (got, want):
            for cell in row.values():
                cell.pop("by_design", None)
        same = got == want
        bad += not same
        print(("same " if same else "DIFF ") + k, flush=True)
        if not same:
            for prop in sorted(want):
                if got.get(prop) != want[prop]:
                    print(f"     {prop}: C {got.get(prop)} vs recorded {want[prop]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
