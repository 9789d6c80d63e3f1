"""``syncfs-mc sweep``: scopes in size order, the smallest violating one, the cache, Dask.

The sweep's one claim per cell is "the smallest scope that breaks it" (or that none up to the
bound does); the tests check it against every scope searched on its own, check that a rerun
computes nothing, that a larger bound computes only the new scopes, and that a Dask cluster
of two worker processes gives the same report as the local run.
"""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from checks import sweep as sw
from checks.cli import cli, main
from checks.runner import Budget, check_resolved
from model.world import WorldParams
from reports import sweep as render
from specs.resolved import resolve
from specs.results import Verdict

PY = Budget(backend="python")
SMALL = "syncers=2,syncs=2,errors=1"


def _sweep(variants, props, up_to=SMALL, cache=None, **kw):
    return sw.sweep(variants, props, sw.parse_up_to(up_to), WorldParams(), PY, jobs=1,
                    cache=cache or sw.ScopeCache(None), **kw)


def _plain(result: sw.SweepResult) -> dict:
    return json.loads(render.render_json(result, timings=False))


def test_scopes_come_smallest_first_and_each_once() -> None:
    up = sw.parse_up_to("syncers=3,syncs=2,errors=2,upper-syncers=1,upper-syncs=2",
                        errnos="EIO,ENOSPC")
    scopes = sw.scopes(up, WorldParams())
    sizes = [sw.scope_size(p) for p in scopes]
    assert sizes == sorted(sizes) and len(set(scopes)) == len(scopes)
    # 3 syncers x 2 syncs x (1 + 2 + 4 errno sequences) x (no upper syncer, or 1 x 2 calls)
    # x 2 open timings, less the overlays>syncers and moot upper-syncs combinations
    assert len(scopes) == 3 * 2 * 7 * 3 * 2
    assert scopes[0] == WorldParams(syncers=1, syncs=1, errors=(), counter_bits=2,
                                    open_at="race")


@pytest.mark.parametrize("text,words", [
    ("syncers=9", "syncers must lie in 1..6"), ("syncs=2..1", "LOW <= HIGH"),
    ("writers=2", "dimensions: syncers"), ("syncers", "DIMENSION=N"),
    ("syncers=2,syncers=3", "given twice"), ("errors=x", "integers")])
def test_a_bad_up_to_is_one_line_and_exit_2(text, words, capsys) -> None:
    assert main(["sweep", "--up-to", text]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("syncfs-mc: error: --up-to") and words in err[0]


def test_bad_errnos_and_open_timings_are_exit_2(capsys) -> None:
    assert main(["sweep", "--errnos", "EFROB"]) == 2
    assert main(["sweep", "--open-at", "never"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "--errnos" in err[0] and "--open-at" in err[1]


def test_the_witness_is_the_smallest_violating_scope() -> None:
    """Every scope searched on its own: the witness is the first violated one in size order,
    and it is the same violation ``check`` finds at that scope."""
    result = _sweep([("copy-naive", "none"), ("cursor", "spinlock")], ["lost", "double"])
    for cell in result.cells:
        firsts = []
        for i, p in enumerate(result.scopes):
            r = check_resolved(resolve(cell.scheme, cell.lock, "custom", p, cell.prop),
                               budget=PY)
            if r.verdict is Verdict.VIOLATED:
                firsts.append((i, p, r.trace_length))
        if not firsts:
            assert cell.verdict is Verdict.HOLDS and cell.checked == len(result.scopes)
            continue
        i, p, length = firsts[0]
        assert cell.verdict is Verdict.VIOLATED and cell.checked == i + 1
        assert cell.witness is not None and cell.witness[0] == p
        assert cell.witness[1].trace_length == length
    by = {(c.scheme, c.prop): c for c in result.cells}
    lost = by[("copy-naive", "lost")]
    assert lost.witness is not None and lost.witness[1].trace_length == 9
    assert (lost.witness[0].syncers, lost.witness[0].syncs) == (2, 1)
    assert by[("cursor", "lost")].verdict is Verdict.HOLDS


def test_the_done_when_row_volatile_loses_an_error_only_with_three_syncers() -> None:
    result = sw.sweep([("volatile", "none")], ["lost"],
                      sw.parse_up_to("syncers=3,syncs=2,errors=2"),
                      WorldParams(sync_fs_errors="ignored"), Budget(), jobs=1,
                      cache=sw.ScopeCache(None))
    (cell,) = result.cells
    assert cell.verdict is Verdict.VIOLATED and cell.witness is not None
    scope, r = cell.witness
    assert (scope.syncers, scope.syncs, len(scope.errors)) == (3, 2, 2)
    assert r.trace_length == 41 and r.key is not None  # 33 when the check ran once (Python)
    out = CliRunner().invoke(cli, ["replay", r.key])
    assert out.exit_code == 1 and "lost" in out.output


def test_a_rerun_computes_nothing_and_a_wider_bound_only_what_is_new(tmp_path) -> None:
    cache = sw.ScopeCache(tmp_path)
    variants, props = [("copy-counter", "none"), ("cursor", "spinlock")], ["lost", "backward"]
    first = _sweep(variants, props, "syncers=1,syncs=2,errors=1", cache)
    assert first.cached == 0 and first.computed > 0
    again = _sweep(variants, props, "syncers=1,syncs=2,errors=1", cache)
    assert again.computed == 0 and again.cached == first.computed
    assert _plain(again) == _plain(first)
    wider = _sweep(variants, props, "syncers=2,syncs=2,errors=1", cache)
    fresh = _sweep(variants, props, "syncers=2,syncs=2,errors=1")
    assert _plain(wider) == _plain(fresh)
    assert wider.computed == fresh.computed - first.computed  # only the new scopes
    # damaged entries are searched again, not trusted
    for victim in tmp_path.iterdir():
        victim.write_text("{not json")
    redone = _sweep(variants, props, "syncers=1,syncs=2,errors=1", cache)
    assert redone.computed == first.computed and _plain(redone) == _plain(first)


def test_a_cached_counterexample_is_replayed_before_it_is_shown(tmp_path, monkeypatch) -> None:
    cache = sw.ScopeCache(tmp_path)
    _sweep([("copy-naive", "none")], ["double"], "syncers=1,syncs=2,errors=1", cache)
    calls = []
    real = sw.replay

    def spy(*a, **k):
        calls.append(a[1])
        return real(*a, **k)

    monkeypatch.setattr(sw, "replay", spy)
    again = _sweep([("copy-naive", "none")], ["double"], "syncers=1,syncs=2,errors=1", cache)
    assert again.computed == 0 and len(calls) == 1
    assert again.cells[0].witness is not None
    assert again.cells[0].witness[1].trace is not None


def test_ctrl_c_keeps_the_finished_scopes_in_the_cache(tmp_path, monkeypatch) -> None:
    cache = sw.ScopeCache(tmp_path)
    real, calls = sw._job, []

    def job(rc, budget):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(rc)
        return real(rc, budget)

    monkeypatch.setattr(sw, "_job", job)
    with pytest.raises(sw.SweepInterrupted) as e:
        _sweep([("cursor", "spinlock")], ["lost"], cache=cache)
    assert e.value.computed == 3 and len(list(tmp_path.iterdir())) == 3
    assert "no report written" in e.value.summary()
    monkeypatch.setattr(sw, "_job", real)
    assert _sweep([("cursor", "spinlock")], ["lost"], cache=cache).cached == 3


def test_two_local_workers_give_the_same_report() -> None:
    variants, props = [("copy-naive", "none"), ("volatile", "spinlock")], ["lost", "unseen"]
    one = _sweep(variants, props)
    two = sw.sweep(variants, props, sw.parse_up_to(SMALL), WorldParams(), PY, jobs=2,
                   cache=sw.ScopeCache(None))
    assert _plain(two) == _plain(one)


def test_a_dask_cluster_gives_the_same_report() -> None:
    distributed = pytest.importorskip("distributed")
    variants, props = [("copy-counter", "none"), ("cursor", "spinlock")], ["lost", "double"]
    local = _sweep(variants, props)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        remote = sw.sweep(variants, props, sw.parse_up_to(SMALL), WorldParams(), PY,
                          executor=client.get_executor(), cache=sw.ScopeCache(None))
        assert _plain(remote) == _plain(local) and remote.computed > 0
        out = CliRunner().invoke(cli, ["sweep", "--scheme", "copy-counter", "--lock", "none",
                                       "--property", "lost", "--up-to", "syncers=1,syncs=1",
                                       "--no-cache", "--no-timings", "--format", "json",
                                       "--dask", cluster.scheduler_address])
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["cells"][0]["verdict"] == "violated"
        args = ["compare", "--scheme", "copy-naive,cursor", "--lock", "none,spinlock",
                "--backend", "python"]
        on_dask = CliRunner().invoke(cli, [*args, "--dask", cluster.scheduler_address])
        here = CliRunner().invoke(cli, [*args, "--jobs", "1"])
        assert on_dask.exit_code == here.exit_code == 0
        assert on_dask.output == here.output and "violated (9 steps)" in here.output
        bench = ["bench", "--quick", "--variant", "copy-naive/none", "--property", "lost",
                 "--backend", "python"]
        figures = []
        for extra in (["--dask", cluster.scheduler_address], []):
            out = CliRunner().invoke(cli, [*bench, *extra])
            assert out.exit_code == 0, out.output
            figures.append([line.split()[:6] for line in out.output.splitlines()[1:]])
        assert figures[0] == figures[1] and len(figures[0]) == 2


def test_dask_without_a_scheduler_is_exit_2(capsys) -> None:
    pytest.importorskip("distributed")
    assert main(["sweep", "--scheme", "none", "--up-to", "syncers=1,syncs=1",
                 "--dask", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no Dask scheduler answered at 'tcp://127.0.0.1:9'" in err[0]


def test_dask_without_dask_installed_is_exit_2_with_the_hint(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    assert main(["sweep", "--scheme", "none", "--dask", "tcp://127.0.0.1:9"]) == 2
    assert main(["compare", "--scheme", "none", "--dask", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("pip install -e '.[dask]'" in e for e in err)


def test_the_reports_name_the_scope_and_link_the_trace(tmp_path) -> None:
    result = _sweep([("copy-naive", "none"), ("cursor", "spinlock")], ["lost"])
    text = render.render_text(result, timings=False)
    assert "violated at s2 k1 e1 c2 race (9 steps)" in text
    assert "holds (16 scopes," in text and "replay: syncfs-mc replay copy-naive/none/" in text
    md = render.render_markdown(result)
    assert "| `copy-naive --lock none` | lost | `--syncers 2 --syncs 1" in md
    page = render.render_html(result)
    assert '<a href="#w0-lost">' in page and '<section id="w0-lost">' in page
    assert "<svg" in page
    out = tmp_path / "s.html"
    r = CliRunner().invoke(cli, ["sweep", "--scheme", "copy-naive", "--lock", "none",
                                 "--property", "lost", "--up-to", "syncers=2,syncs=1",
                                 "--no-cache", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "<section" in out.read_text()
