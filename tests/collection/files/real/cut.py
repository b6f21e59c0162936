"""Rebuild the real sample files in this folder from the published originals (see README.md here).

    python tests/collection/files/real/cut.py /work/shared/data

The tests read only the copies in this folder; this script is how they were made, so they can be made again.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
NHS_MONTHS = {"2016-04", "2017-03", "2017-12", "2019-03"} | {f"2018-{m:02d}" for m in range(1, 13)}
NHS_TRUSTS = 40  # the first 40 trust codes in the file's own order (RF4, whose 2017-03 rows a test checks, is first)
RIO_MONTHS = {(2014, 1), (2020, 6), (2026, 3)}
DHIS2 = ["docs_bulk.json", "docs_single_set.json", "docs_bulk.csv", "docs_full_columns.csv"]


def cut_nhs(source: Path, target: Path) -> None:
    lines = source.read_text().splitlines(keepends=True)
    trusts: list[str] = []
    for line in lines[1:]:
        code = line.split(",")[1]
        if code not in trusts:
            trusts.append(code)
    keep = set(trusts[:NHS_TRUSTS])
    target.write_text(
        lines[0] + "".join(line for line in lines[1:] if line[:7] in NHS_MONTHS and line.split(",")[1] in keep)
    )


def cut_rio(source: Path, target: Path) -> None:
    # bytes, not text: the file is latin-1 with ';' separators and must stay so
    lines = source.read_bytes().splitlines(keepends=True)
    keep = [line for line in lines[1:] if tuple(int(x) for x in line.split(b";")[2:4]) in RIO_MONTHS]
    target.write_bytes(lines[0] + b"".join(keep))


def main(shared: Path) -> None:
    cut_nhs(shared / "nhs_ae_attendances" / "ae_attendances.csv", HERE / "ae_attendances_cut.csv")
    cut_rio(
        shared / "rio_isp_crime_municipal_monthly" / "BaseMunicipioMensal.csv", HERE / "BaseMunicipioMensal_cut.csv"
    )
    for name in DHIS2:
        shutil.copyfile(shared / "dhis2_datavaluesets_examples" / name, HERE / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
