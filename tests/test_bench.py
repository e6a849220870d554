"""The benchmark suite's plumbing, at tiny sizes (no timing is asserted here)."""

from __future__ import annotations

import json

import pytest

from funcgrad import _bench
from funcgrad._bench import _cases
from funcgrad.cli import main


def test_in_process_benchmarks_report_every_figure() -> None:
    report = _bench.run_suite(_bench.Config.tiny(), only=["seed", "fit", "bigbatch"])
    assert set(report["results"]) == {"seed", "fit", "bigbatch"}
    seed = report["results"]["seed"]
    assert seed["facade_us"] > 0 and seed["facade_cold_us"] > 0
    assert report["results"]["bigbatch"]["onepass_ms"] > 0
    names = {(t["benchmark"], t["figure"]) for t in report["targets"]}
    assert ("bigbatch", "onepass_vs_roofline") in names
    json.dumps(report, default=str)


def test_without_torch_baselines_are_skipped() -> None:
    cfg = _bench.Config(**{**_bench.Config.tiny().__dict__, "torch": False})
    report = _bench.run_suite(cfg, only=["seed"])
    assert report["results"]["seed"]["torch_us"] is None
    (target,) = [t for t in report["targets"] if t["figure"] == "speedup_vs_torch"]
    assert target["met"] is None
    assert "skipped" in _bench.format_report(report)


def test_subprocess_benchmarks_plumbing(monkeypatch) -> None:
    def fake_wall_times(commands, *, repeats, **_):
        return {name: [1.0] * repeats for name in commands}

    def fake_run_python(code, *args, env=None):
        if "fit_step_seconds" in code:
            cfg = json.loads(args[0])
            assert "device_count=2" in env["XLA_FLAGS"]
            one = {"marginal_per_step_s": 1e-6, "call_per_step_s": 2e-6, "steps": 4}
            return json.dumps({str(d): one for d in cfg["devices"]})
        raise RuntimeError("no demo")

    monkeypatch.setattr(_cases, "wall_times", fake_wall_times)
    monkeypatch.setattr(_cases, "run_python", fake_run_python)
    report = _bench.run_suite(
        _bench.Config.tiny(), only=["startup", "scaling", "checkpoint"]
    )
    assert report["results"]["checkpoint"]["checkpoint_vs_plain"] == 1.0
    startup = report["results"]["startup"]
    assert startup["funcgrad_program"] == "seed script on funcgrad.torch"
    assert startup["import_funcgrad_s"] == 1.0
    scaling = report["results"]["scaling"]
    assert scaling["fit_2dev_vs_1dev"] == 1.0
    assert scaling["ns_per_row_max_over_min"] >= 1.0


def test_csv_benchmark_plumbing() -> None:
    report = _bench.run_suite(_bench.Config.tiny(), only=["csv"])
    csv = report["results"]["csv"]
    assert csv["rows"] == 2000 and csv["array_mb"] == 2000 * 10 * 4 / 1e6
    assert csv["load_csv_s"] > 0 and csv["speedup_vs_loadtxt"] > 0
    assert csv["load_csv_peak_mb"] >= 0 and csv["loadtxt_peak_mb"] >= 0
    names = {(t["benchmark"], t["figure"]) for t in report["targets"]}
    assert ("csv", "peak_over_array") in names


def test_seed_script_runs_on_the_facade() -> None:
    # The start-up benchmark's program, in process.
    exec(
        compile(_cases.SEED_SCRIPT.format(module="funcgrad.torch"), "seed", "exec"), {}
    )


def test_cli_json_last_line(capsys, monkeypatch) -> None:
    monkeypatch.setattr(_bench.Config, "quick", classmethod(lambda cls: cls.tiny()))
    assert main(["bench", "--only", "bigbatch", "--no-torch", "--quick", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    report = json.loads(last)
    assert report["results"]["bigbatch"]["rows"] == 512


def test_cli_rejects_unknown_benchmark(capsys) -> None:
    assert main(["bench", "--only", "nope"]) == 2
    assert "unknown benchmark nope" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(_cases.BENCHMARKS))
def test_every_benchmark_is_documented(name: str) -> None:
    assert name in _bench.__doc__


def test_compiled_benchmark_reports_every_figure() -> None:
    report = _bench.run_suite(_bench.Config.tiny(), only=["compiled"])
    figures = report["results"]["compiled"]
    assert figures["seed_us"] > 0 and figures["mlp_us"] > 0
    assert figures["mlp_eager_us"] > 0 and figures["seed_compile_s"] > 0
    assert 0 < figures["seed_best_us"] <= figures["seed_us"]
    targets = {t["figure"] for t in report["targets"]}
    assert {"seed_speedup_vs_torch", "mlp_eager_vs_torch"} <= targets


def test_checkpoint_benchmark_runs_real_processes() -> None:
    r = _cases.bench_checkpoint(_bench.Config.tiny())
    assert r["epochs"] == 2
    assert r["train_s"] > 0 and r["train_checkpoint_s"] > 0
    assert r["checkpoint_vs_plain"] > 0
