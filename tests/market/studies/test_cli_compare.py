"""``greenmarket compare`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from market.cli import main
from tests.market.studies.factories import tiny_study, write_study


def test_compare_writes_summary_runs_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = write_study(tmp_path)
    out = tmp_path / "out"
    assert main(["compare", str(study), "--out", str(out), "--serial"]) == 0
    printed = capsys.readouterr().out
    assert "self_consumption" in printed and "thermal" in printed and "CO2 t" in printed
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["variant"]) == ["self_consumption", "tou", "thermal"]
    assert list(summary["runs"]) == [3, 3, 3]
    assert {"co2_tco2_mean", "co2_tco2_p05", "co2_tco2_p95"} <= set(summary.columns)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 9  # 3 variants x 3 seeds x 1 year
    assert list(runs.columns[:3]) == ["variant", "seed", "year"]
    assert "run.firm_net_cost_gini" in runs.columns
    assert set(runs["year"]) == {2025}
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_compare_reports_study_errors_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_study()
    data["variants"][1]["overrides"] = {"parks.0.operator.strategy": "clairvoyant"}
    study = write_study(tmp_path, data)
    assert main(["compare", str(study), "--out", str(tmp_path / "o"), "--serial"]) == 2
    err = capsys.readouterr().err
    assert "variants[1] 'tou' -> parks[0].operator.strategy: got 'clairvoyant'" in err
    assert not (tmp_path / "o").exists()


def test_compare_rejects_a_bad_worker_count(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compare", str(write_study(tmp_path)), "--workers", "0"])
    assert info.value.code == 2


def test_compare_serial_and_scheduler_together_is_an_error(tmp_path: Path) -> None:
    study = write_study(tmp_path)
    assert main(["compare", str(study), "--serial", "--scheduler", "tcp://127.0.0.1:1"]) == 2


def test_compare_on_an_existing_scheduler_matches_serial(tmp_path: Path) -> None:
    from distributed import LocalCluster

    study = write_study(tmp_path)
    assert (
        main(["compare", str(study), "--out", str(tmp_path / "serial"), "--serial", "--quiet"]) == 0
    )
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        args = ["compare", str(study), "--out", str(tmp_path / "remote"), "--quiet"]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    for name in ("summary.csv", "runs.parquet"):
        assert (tmp_path / "remote" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes()


def test_compare_lang_zh_labels_the_report_and_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = tiny_study()
    data["seeds"] = [1]
    data["variants"] = data["variants"][:1]
    study = write_study(tmp_path, data)
    out = tmp_path / "out"
    args = ["compare", str(study), "--out", str(out), "--serial", "--quiet", "--lang", "zh"]
    assert main(args) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "方案对比" in page
    assert load_workbook(out / "summary.xlsx").sheetnames == ["汇总", "逐年结果", "企业"]
    # The CSV stays machine-readable.
    assert "co2_tco2_mean" in pd.read_csv(out / "summary.csv").columns


def test_compare_rejects_an_unknown_language(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compare", str(write_study(tmp_path)), "--lang", "fr"])
    assert info.value.code == 2
