"""An import that crashes midway never stays "running", stores nothing and shows no traceback (CLI exit 2)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.collection.models import ColumnMapping, ImportBatch

from .test_import import HEAD, state


class DroppedUpload(io.RawIOBase):
    """An upload whose connection drops after `keep` bytes, as a browser closed mid-send does."""

    def __init__(self, data: bytes, keep: int):
        self.data, self.keep, self.pos = data, keep, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, pos, whence=0):
        self.pos = pos if whence == 0 else self.pos + pos if whence == 1 else len(self.data) + pos
        return self.pos

    def tell(self):
        return self.pos

    def readinto(self, b):
        if self.pos >= self.keep:
            raise ConnectionResetError(104, "Connection reset by peer")
        n = min(len(b), self.keep - self.pos)
        b[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


def many_rows() -> bytes:
    """More valid rows than one write chunk, so some are written before the upload drops."""
    depth = Indicator.objects.get(code="homicides").report_depth
    units = list(OrgUnit.objects.filter(depth=depth).values_list("code", flat=True))
    months = [f"{y}-{m:02d}" for y in range(2012, 2027) for m in range(1, 13) if (y, m) <= (2026, 10)]
    lines = [f"homicides,{u},{p},{7 + i % 5},,,\n" for i, (u, p) in enumerate((u, p) for u in units for p in months)]
    assert len(lines) > 6000, len(lines)
    return (HEAD + "".join(lines)).encode()


def test_an_upload_that_drops_midway_is_failed_naming_the_error_and_rolled_back(run):
    data = many_rows()
    before = state()
    stream = io.BufferedReader(DroppedUpload(data, keep=len(data) - 1000))
    batch = run(stream, name="big.csv")  # returns: it does not raise
    assert batch.crashed and batch.status == "failed"
    assert "ConnectionResetError" in batch.message and "Nothing was stored" in batch.message
    assert batch.rows_accepted == 0 and batch.created == batch.changed == 0
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.finished_at is not None and "ConnectionResetError" in batch.message
    assert state() == before
    assert not ImportBatch.objects.filter(status="running").exists()


@pytest.fixture
def broken_mapping(db):
    """A mapping saved in the back office (past the save's checks) with an indicator as a number: the importer
    cannot follow it."""
    return ColumnMapping.objects.create(
        name="broken",
        config={"org_unit": "unit", "period": "when", "indicators": [5]},
    )


def test_a_crash_is_a_failed_batch_not_an_exception(run, broken_mapping):
    before = state()
    batch = run(b"unit,when,n\nR01-D01,2026-09,3\n", name="x.csv", mapping=broken_mapping)
    assert batch.crashed and batch.status == "failed" and "unexpected error (AttributeError" in batch.message
    assert state() == before


def test_the_cli_reports_a_crash_in_one_line_and_exits_2(tmp_path, broken_mapping, capsys):
    path = tmp_path / "x.csv"
    path.write_bytes(b"unit,when,n\nR01-D01,2026-09,3\n")
    with pytest.raises(CommandError) as raised:
        call_command("import", str(path), "--mapping", "broken", "--quiet-progress", "--allow-rejects")
    assert raised.value.returncode == 2
    out = capsys.readouterr()
    assert "unexpected error (AttributeError" in out.out and "Traceback" not in out.out + out.err
    assert ImportBatch.objects.get(interface="cli").status == "failed"
