"""mypy passes on the delivery logic, so a wrong Optional or a missing annotation fails the suite, not production.

It runs with the project's [tool.mypy] settings (pyproject.toml), the same as
`cd src && ../.venv/bin/mypy stocktake/delivery`, with its cache in a temporary
folder so the check never reads a stale one.
"""

from pathlib import Path

from mypy import api

import stocktake.delivery

DELIVERY = Path(stocktake.delivery.__file__).parent
ROOT = DELIVERY.parents[2]  # src/stocktake/delivery -> the checkout, where pyproject.toml is


def test_mypy_finds_no_error_in_delivery(tmp_path, monkeypatch):
    monkeypatch.chdir(DELIVERY.parents[1])  # src/, so the modules are named stocktake.delivery.*
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "stocktake/delivery",
        ]
    )
    assert status == 0, f"mypy reports errors in stocktake/delivery:\n{stdout}{stderr}"
    assert "Success: no issues found" in stdout, stdout
