"""Row checks for imports: every reason a row is refused names its row and column; random rows never crash."""

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.delivery import importcolumns as C
from stocktake.delivery import importrows as R
from stocktake.delivery import sourcemaps as M
from stocktake.delivery import tabular as T

CAT = R.Catalogue(
    indicators={
        "deaths": R.IndicatorSpec("deaths", "M", "sum", report_depth=3, min_value=0),
        "share": R.IndicatorSpec("share", "M", "ratio", report_depth=3, min_value=0, max_value=100, ratio_scale=100),
        "yearly": R.IndicatorSpec("yearly", "Y", "sum", report_depth=3),
    },
    org_units={"NAT": 1, "D1": 3, "D2": 3},
    today=date(2026, 11, 24),
)


class _Columns:
    """The column path (delivery.importcolumns) answering as the row path does."""

    @staticmethod
    def check_row(n, record, cat):
        return C.check_records([(n, record)], cat)[0]

    @staticmethod
    def check_rows(records, cat):
        return C.check_records(records, cat)


@pytest.fixture(params=["rows", "columns"], scope="module")
def path(request):
    """One set of rules, two paths: every test of the row checks runs against both."""
    return R if request.param == "rows" else _Columns


def rec(**kw):
    base = {"indicator": "deaths", "org_unit": "D1", "period": "2026-09", "value": "12"}
    base.update(kw)
    return base


def errors_of(path, **kw):
    out = path.check_row(7, rec(**kw), CAT)
    assert isinstance(out, list), out
    assert all(e.row == 7 for e in out)
    return {(e.column, e.message) for e in out}


def test_a_good_row_is_accepted_with_numbers_read_as_spreadsheets_write_them(path):
    row = path.check_row(2, rec(value=" 1,234 "), CAT)
    assert row.value == 1234.0 and row.period.code == "2026-09"


def test_each_reason_names_the_column(path):
    assert ("indicator", "unknown indicator code 'nope'") in errors_of(path, indicator="nope")
    assert ("org_unit", "unknown org unit code 'X9'") in errors_of(path, org_unit="X9")
    assert any(c == "org_unit" and "level 3" in m for c, m in errors_of(path, org_unit="NAT"))
    assert any(c == "period" and "monthly" in m and "quarterly" in m for c, m in errors_of(path, period="2026Q3"))
    assert any(c == "period" and "not ended" in m for c, m in errors_of(path, period="2027-01"))
    assert any(c == "period" and "months run 01 to 12" in m for c, m in errors_of(path, period="2026-13"))
    assert ("value", "'twelve' is not a number") in errors_of(path, value="twelve")
    assert any(c == "value" and "below the allowed minimum" in m for c, m in errors_of(path, value="-1"))
    assert ("value", "value is empty") in errors_of(path, value="")
    assert any(
        c == "denominator" and "ratio" in m for c, m in errors_of(path, indicator="share", value="", numerator="5")
    )
    assert ("denominator", "denominator must not be zero") in errors_of(
        path, indicator="share", value="", numerator="5", denominator="0"
    )
    assert any(
        "above the allowed maximum" in m
        for _, m in errors_of(path, indicator="share", value="", numerator="15", denominator="10")
    )
    assert ("value", "'nan' is not a finite number") in errors_of(path, value="nan") or any(
        "nan" in m for _, m in errors_of(path, value="nan")
    )


def test_a_value_and_ratio_parts_must_agree_within_the_values_own_rounding(path):
    """Before, the value was dropped and the parts kept without a word; a disagreement is a mistake to show."""
    assert any(
        c == "value" and "disagree" in m
        for c, m in errors_of(path, indicator="share", value="50", numerator="7", denominator="9")
    )
    for written in ("77.8", "78", "77.78"):
        row = path.check_row(2, rec(indicator="share", value=written, numerator="7", denominator="9"), CAT)
        assert isinstance(row, R.Row) and (row.numerator, row.denominator, row.value) == (7, 9, None), row
    assert any(
        c == "value" and "disagree" in m
        for c, m in errors_of(path, indicator="share", value="77.9", numerator="7", denominator="9")
    )


def test_a_count_is_not_negative_unless_its_minimum_says_it_may_be(path):
    cat = R.Catalogue(
        {
            "visits": R.IndicatorSpec("visits", "M", "sum", unit="count"),
            "balance": R.IndicatorSpec("balance", "M", "sum", unit="count", min_value=-1e9),
            "change": R.IndicatorSpec("change", "M", "sum", unit="% change"),
            "share": CAT.indicators["share"],
        },
        CAT.org_units,
        CAT.today,
    )
    out = path.check_row(2, rec(indicator="visits", value="-3"), cat)
    assert [(e.column, "negative" in e.message) for e in out] == [("value", True)]
    assert isinstance(path.check_row(2, rec(indicator="balance", value="-3"), cat), R.Row)
    assert isinstance(path.check_row(2, rec(indicator="change", value="-3"), cat), R.Row)
    out = path.check_row(2, rec(indicator="share", value="", numerator="-7", denominator="-9"), cat)
    assert {e.column for e in out} == {"numerator", "denominator"}  # -7/-9 is a fine-looking 78 %


def test_a_numerator_on_an_indicator_that_is_not_a_ratio_is_refused_not_ignored(path):
    assert any(c == "numerator" and "not a ratio" in m for c, m in errors_of(path, value="1", numerator="234"))


def test_echoed_input_is_cut_with_an_ellipsis(path):
    for column in ("indicator", "org_unit", "period", "value"):
        messages = [m for c, m in errors_of(path, **{column: "Z" * 5000}) if c == column]
        assert messages and all(len(m) < 200 and "…" in m for m in messages), messages


def test_a_file_that_is_utf8_but_for_two_bytes_is_refused_naming_the_first_not_read_as_cp1252():
    data = "a,b\n1,café\n2,na\n".encode() + b"3,caf\xe9\xff\n"
    try:
        T.read_csv(io.BytesIO(data))
        raise AssertionError("a broken UTF-8 file must be refused")
    except T.FileError as exc:
        assert "byte 0xe9 at offset 22 (row 4) is not valid UTF-8" in str(exc), exc
    big = b"a,b\n" + "1,café\n".encode() * 20_000 + b"2,caf\xe9\n"  # the bad byte far past the sniffed head
    try:
        header, rows = T.read_csv(io.BytesIO(big))
        list(rows)
        raise AssertionError("a broken UTF-8 file must be refused")
    except T.FileError as exc:
        assert f"at offset {len(big) - 2:,} (row 20002) is not valid UTF-8" in str(exc), exc


def test_a_file_with_no_utf8_at_all_is_read_as_windows_1252_with_a_note():
    notes = []
    header, rows = T.read_csv(io.BytesIO("a;b\n1;São Gonçalo\n".encode("cp1252")), notes=notes)
    assert list(rows) == [(2, {"a": "1", "b": "São Gonçalo"})]
    assert len(notes) == 1 and "Windows-1252" in notes[0]


def test_a_row_with_more_fields_than_the_header_is_rejected_even_when_the_extra_is_blank():
    header, rows = T.read_csv(io.BytesIO(b"a,b,c\nx,1,234,\ny,2,\n"))
    out = list(rows)
    assert isinstance(out[0][1], T.RowShapeError) and out[0][0] == 2 and "1,234" in str(out[0][1])
    assert out[1] == (3, {"a": "y", "b": "2", "c": ""})
    header, rows = T.read_csv(io.BytesIO(b"a,b,c,,\nx,1,2,,\n"))  # trailing separators on every line, header too
    assert list(rows) == [(2, {"a": "x", "b": "1", "c": "2"})]


def test_a_period_in_year_0_or_1_is_a_period_error_not_a_crash():
    from stocktake.delivery import periods as P

    for code in ("0000-01", "0000Q1", "0000", "000001", "0000April", "0001-01", "0001W01", "00010101"):
        try:
            P.parse(code)
            raise AssertionError(code)
        except P.PeriodError as exc:
            assert "1800 to 2999" in str(exc)
    assert P.parse("1800-01").previous().code == "1799-12"  # stepping back from the first year still works


def test_duplicates_inside_a_file_are_refused_on_the_later_row_naming_the_first(path):
    out = list(path.check_rows([(2, rec()), (3, rec(value="13")), (4, rec(org_unit="D2"))], CAT))
    assert isinstance(out[0], R.Row) and isinstance(out[2], R.Row)
    assert out[1][0].row == 3 and "duplicate of row 2" in out[1][0].message


def test_combined_rows_are_summed_when_the_mapping_asks(path):
    cat = R.Catalogue(CAT.indicators, CAT.org_units, CAT.today, combine_duplicates=True)
    out = list(
        path.check_rows(
            [
                (2, rec(indicator="share", numerator="50", denominator="100", value="")),
                (3, rec(indicator="share", numerator="10", denominator="100", value="")),
            ],
            cat,
        )
    )
    assert len(out) == 1 and out[0].numerator == 60 and out[0].denominator == 200 and out[0].rows == [2, 3]


def test_users_may_only_submit_their_own_indicators(path):
    cat = R.Catalogue(CAT.indicators, CAT.org_units, CAT.today, allowed={"share"})
    out = path.check_row(2, rec(), cat)
    assert out[0].column == "indicator" and "may not submit" in out[0].message


def test_error_report_keeps_memory_bounded():
    report = R.ErrorReport(keep=10)
    for n in range(10_000):
        report.add([R.RowError(n, "value", f"'{n}x' is not a number")])
    assert report.total == 10_000 and len(report.errors) == 10 and report.rejected == 10_000
    assert report.by_reason == {"'…' is not a number": 10_000}


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "12",
            "1,234",
            "-3",
            "1e308",
            "inf",
            "NaN",
            "0",
            "2026-09",
            "2026Q3",
            "2026",
            "D1",
            "NAT",
            "deaths",
            "share",
            "yearly",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({c: cells for c in R.COLUMNS}), max_size=15))
def test_random_rows_are_accepted_or_refused_never_crash(path, records):
    results = list(path.check_rows(enumerate(records, start=2), CAT))
    accepted = [r for r in results if isinstance(r, R.Row)]
    for r in accepted:
        spec = CAT.indicators[r.indicator]
        computed = spec.value_of(r.value, r.numerator, r.denominator)
        assert computed is not None
        assert spec.min_value is None or computed >= spec.min_value
        assert r.period.kind == spec.frequency and r.period.end <= CAT.today
    assert len({r.key for r in accepted}) == len(accepted)
    assert len(results) == len(records)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_as_csv_give_rows_or_a_file_error(path, data):
    try:
        header, rows = T.read_csv(io.BytesIO(data))
        records = M.long_records(header, rows)
        for _ in path.check_rows(((n, r) for n, r in records if not isinstance(r, Exception)), CAT):
            pass
    except T.FileError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab,;"\n\r 12é', max_size=8), min_size=1, max_size=6), max_size=8))
def test_random_csv_text_in_any_encoding_never_crashes(table):
    text = "indicator,org_unit,period,value\n" + "\n".join(",".join(r) for r in table)
    for enc in ("utf-8", "latin-1", "utf-8-sig"):
        try:
            header, rows = T.read_csv(io.BytesIO(text.encode(enc)))
            list(M.long_records(header, rows))
        except T.FileError:
            pass


def test_csv_reader_copes_with_bom_semicolons_and_latin1():
    header, rows = T.read_csv(io.BytesIO("\ufeffa;b\n1;São\n".encode("utf-8")))
    assert header == ["a", "b"] and list(rows) == [(2, {"a": "1", "b": "São"})]
    header, rows = T.read_csv(io.BytesIO("a;b\n1;São\n".encode("latin-1")))
    assert list(rows) == [(2, {"a": "1", "b": "São"})]


def test_truncated_and_binary_files_are_file_errors():
    header, rows = T.read_csv(io.BytesIO(b'a,b\n1,"2'))
    try:
        list(rows)
        raise AssertionError("a cut quoted field must be refused")
    except T.FileError as exc:
        assert "truncated" in str(exc)
    try:
        T.read_csv(io.BytesIO("a,b\n1,2\n".encode("utf-16-le")))
        raise AssertionError("UTF-16 without BOM must be refused")
    except T.FileError as exc:
        assert "NUL" in str(exc)


def test_expressions_name_real_columns(path):
    assert M.parse_expression("attendances - breaches", ["attendances", "breaches"]) == [
        (1, "attendances"),
        (-1, "breaches"),
    ]
    try:
        M.parse_expression("attendances - breeches", ["attendances", "breaches"])
        raise AssertionError
    except T.FileError as exc:
        assert "breeches" in str(exc)


def _bad_file(n):
    """A stream of n bad rows, never held whole in memory."""

    class Stream(io.RawIOBase):
        def __init__(self):
            self.lines = (f"deaths,D{i % 7},2026-{i % 15:02d},{'x' if i % 2 else -i}\n".encode() for i in range(n))
            self.buf = b"indicator,org_unit,period,value\n"

        def readable(self):
            return True

        def readinto(self, b):
            while len(self.buf) < len(b):
                nxt = next(self.lines, None)
                if nxt is None:
                    break
                self.buf += nxt
            k = min(len(b), len(self.buf))
            b[:k] = self.buf[:k]
            self.buf = self.buf[k:]
            return k

    return io.BufferedReader(Stream())


def _peak_memory(n):
    import tracemalloc

    tracemalloc.start()
    report = R.ErrorReport()
    header, rows = T.read_csv(_bad_file(n))
    for result in R.check_rows(((k, r) for k, r in M.long_records(header, rows)), CAT):
        if isinstance(result, list):
            report.add(result)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.rejected == n
    return peak


def test_memory_for_bad_rows_does_not_grow_with_the_file():
    small, large = _peak_memory(2_000), _peak_memory(20_000)
    assert large < 1.3 * small + 256 * 1024, (small, large)


def test_nul_and_broken_characters_are_refused_and_reports_stay_storable(path):
    out = path.check_row(2, rec(comment="fine\x00"), CAT)
    assert out[0].column == "comment" and "NUL" in out[0].message
    out = path.check_row(3, rec(indicator="\ud800x"), CAT)
    assert out[0].column == "indicator"
    report = R.ErrorReport()
    report.add([R.RowError(4, "indicator", "unknown indicator code '\x00\ud800'")])
    assert "\x00" not in report.as_list()[0]["message"]
    report.as_list()[0]["message"].encode("utf-8")


def _near(*values):
    """Mostly plausible cells, sometimes anything: rows that pass and rows that just fail."""
    return st.one_of(st.sampled_from(values), st.sampled_from(values), st.sampled_from(values), cells)


plausible = st.fixed_dictionaries(
    {
        "indicator": _near("deaths", "deaths", "yearly", "share", " deaths ", "Deaths"),
        "org_unit": _near("D1", "D2", "NAT", "D3"),
        "period": _near("2026-09", "2026-08", "2026", "2025", "2026Q3", "2026-12", "2026-9"),
        "disaggregation": _near("", "", "sex=f", "x" * 101),
        "value": _near("12", "0", "-3", "1.5", " 7 ", "1,234", "1e3", "", "99999999999", "0.1", "-0"),
        "numerator": _near("", "", "", "3", "0"),
        "denominator": _near("", "", "", "4", "0"),
        "comment": _near("", "ok", "x" * 2100),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(plausible, max_size=15))
def test_the_column_path_gives_what_the_row_path_gives_row_for_row(records):
    """The vectors accept only what the row rules accept, and every refusal is the row rules' own words."""
    for cat in (CAT, R.Catalogue(CAT.indicators, CAT.org_units, CAT.today, allowed={"deaths"})):
        rows = list(R.check_rows(enumerate(records, start=2), cat))
        columns = C.check_records(enumerate(records, start=2), cat)
        assert columns == rows


def test_a_long_csv_is_read_as_columns_with_the_files_row_numbers_or_left_to_the_row_reader():
    frame = C.read_long_csv(b"indicator,org_unit,period,value\ndeaths,D1,2026-09,12\n , , ,\ndeaths,D2,2026-09,x\n")
    assert frame is not None and frame.get_column("row").to_list() == [2, 4]
    checked = C.check_frame(frame, CAT)
    assert [(r.row, r.value) for r in checked.rows()] == [(2, 12.0)]
    assert [str(e) for errs in checked.errors for e in errs] == ["row 4, value: 'x' is not a number"]
    assert checked.by_rows == 1  # the good row was decided by the vectors, not handed to the row rules
    for hard in (
        b'indicator,org_unit,period,value\n"deaths",D1,2026-09,12\n',  # quotes: the row reader's rules
        b"indicator,org_unit,period,value\ndeaths,D1,2026-09,12\n\ndeaths,D2,2026-09,1\n",  # a blank line
        b"indicator,org_unit,period,value\ndeaths,D1,2026-09\n",  # a short row
        b"indicator;org_unit;period;value\ndeaths;D1;2026-09;12\n",  # semicolons
        "indicator,org_unit,period,value\ndeaths,D1,2026-09,12\n".encode("utf-16"),
    ):
        assert C.read_long_csv(hard) is None, hard
