"""The benchmark suite's quick variant, in every test run: the whole suite on two tiny houses.

It runs every measurement the full benchmark runs (fresh processes for start-up and memory,
the real window, reports, backup and restore), one run each, and checks the table and the
JSON figures. The bounds are generous on purpose: this proves the suite works and catches a
tenfold slowdown; the targets themselves are judged by the full run on a ten-year house
(``.venv/bin/python tests/benchmarks/run.py``, see tests/benchmarks/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.benchmarks import run
from tests.benchmarks.houses import HouseSpec, cached_house

# Generous limits (seconds, or MB for memory) for a tiny house on a busy shared PC.
BOUNDS = {
    "cold_start": 20.0,
    "open_sessions": 3.0,
    "sort_sessions": 3.0,
    "search_sessions": 3.0,
    "window_held": 3.0,
    "save_session": 2.0,
    "roster_pdf": 15.0,
    "outcomes_pdf": 15.0,
    "backup": 15.0,
    "restore": 20.0,
    "restore_new_pc": 20.0,
    "peak_memory": 1500.0,
}


def test_the_quick_suite_measures_every_metric_and_reports_it(
    qtbot: QtBot, tmp_path: Path, today: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = run.Settings(HouseSpec(4, 0.5), HouseSpec(4, 0.1), 1, 1, tmp_path / "cache")
    said: list[str] = []
    result = run.run_suite(settings, say=said.append)

    figures = run.as_json(result.big)
    assert set(figures) == set(BOUNDS)
    for key, value in figures.items():
        assert set(value) == {
            "median_s", "baseline_s", "ratio", "target_s", "cpu_s", "baseline_cpu_s"
        }, key  # fmt: skip
        if key not in ("peak_memory", "window_held"):
            assert value["cpu_s"] is not None and value["cpu_s"] > 0, key
        assert value["median_s"] is not None and 0 < value["median_s"] < BOUNDS[key], (key, value)
        if value["baseline_s"] is not None:
            assert value["baseline_s"] > 0 and value["ratio"] is not None, key
    assert figures["outcomes_pdf"]["baseline_s"] is figures["outcomes_pdf"]["ratio"] is None
    backup = figures["backup"]
    assert backup["target_s"] == pytest.approx(1.5 * backup["baseline_s"], abs=1e-5)
    save = figures["save_session"]
    assert save["baseline_s"] is not None and save["baseline_cpu_s"] is not None
    assert figures["cold_start"]["target_s"] == 1.0
    json.dumps(figures)  # plain numbers and None only

    text = run.report(result)
    with capsys.disabled():
        print(text)
    for metric in result.big.metrics:
        assert metric.label in text
    header = next(line for line in text.splitlines() if line.startswith("metric "))
    assert header.split() == [
        "metric", "median", "CPU", "baseline", "its", "CPU", "ratio", "target", "result"
    ]  # fmt: skip
    assert "How each metric grows from the 0.1-year, 4-bed to the 0.5-year, 4-bed house" in text
    assert "where the time goes" in text and "quick_check" in text
    assert any("Building the 0.5-year, 4-bed demo house" in line for line in said)

    # The house is built once: a second look finds it in the cache.
    again: list[str] = []
    house = cached_house(settings.big, settings.cache_dir, say=again.append)
    assert house.path == result.big.house.path and again == []


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run.main(["--runs", "0"])
    assert exit_.value.code == 2
    assert "--runs must be at least 1" in capsys.readouterr().err
