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
# whole files, byte copies: each is small, and a national TOTAL row only doubles a national figure in a whole file
NHS_PROVIDERS = {
    "nhs_providers_2020_04.csv": "April-2020-revised-260421-abc123.csv",  # 16 columns: no booked appointments yet
    "nhs_providers_2023_04.csv": "April-2023-revised-130624-defv1.csv",  # its total row is spelt 'TOTAl'
    "nhs_providers_2026_02.csv": "February-2026-CSV-Dl8t54.csv",  # its TOTAL row carries a real period
}
NATIONAL = {
    "england_ae_monthly_2010_2024.csv": "nhs_ae_monthly_timeseries",
    "england_ae_quarterly_2004_2016.csv": "nhs_ae_quarterly_2004_2016",
}
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
    for name, original in NHS_PROVIDERS.items():
        shutil.copyfile(shared / "nhs_ae_provider_monthly_2020_2026" / "raw" / original, HERE / name)
    for name, folder in NATIONAL.items():
        shutil.copyfile(shared / folder / name, HERE / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
