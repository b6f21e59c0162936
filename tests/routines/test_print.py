"""The printed pack, report and note read back from their PDFs: cover, one-page summary, pills, paper, axes."""

import io
import re

import pytest

from stocktake.architecture.models import Priority
from stocktake.delivery import assessment as A
from stocktake.delivery import status as S
from stocktake.routines.models import AssessmentRound, Meeting

pytestmark = pytest.mark.django_db

A4, LETTER = (595, 842), (612, 792)


def _read(client, url, **headers):
    from pypdf import PdfReader

    response = client.get(url, **headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.content[:300]
    reader = PdfReader(io.BytesIO(response.content))
    return reader, [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _size(reader, page=0):
    box = reader.pages[page].mediabox
    return round(float(box.width)), round(float(box.height))


def _split(label: str) -> re.Pattern:
    """The label broken across two lines somewhere between its words ("Off\ntrack")."""
    words = [re.escape(w) for w in label.split()]
    return re.compile(
        "|".join(r"\s+".join(words[:i]) + r"\s*\n\s*" + r"\s+".join(words[i:]) for i in range(1, len(words)))
    )


@pytest.fixture
def report(sign_in):
    rnd = AssessmentRound.objects.order_by("-date").first()
    return rnd, _read(sign_in("duhead"), f"/routines/rounds/{rnd.pk}/report.pdf")


def test_the_report_opens_with_a_cover_then_a_summary_of_every_priority(report):
    from django.utils import formats, timezone

    rnd, (reader, pages) = report
    cover = _flat(pages[0])
    for words in (
        "REPUBLIC OF MERIDIA",  # the national org unit's name, the default government
        "Prime Minister's Delivery Unit",
        f"Delivery report: {rnd}",
        f"Assessment round {rnd}",
        f"Issued {formats.date_format(timezone.localdate(), 'DATE_FORMAT')}",
        "Data as of",
        "official figures to",
    ):
        assert words in cover, words
    assert "Page 1" not in cover  # the cover has no running footer
    summary = _flat(pages[1])
    assert "Summary: every priority at a glance" in summary
    for p in Priority.objects.all():
        assert _flat(p.name) in summary, p.name
    assert "Likelihood of delivery" in summary and "off track" in summary


def test_no_status_pill_or_rating_is_split_across_lines(report):
    _rnd, (_reader, pages) = report
    text = "\n".join(pages)
    labels = list(S.LABELS.values()) + [A.label("evidence", r) for r in A.RAG]
    assert any(label in text for label in labels)
    for label in labels:
        assert not _split(label).search(text), label


def test_the_report_fills_its_pages(report, sign_in):
    """Priorities flow: fewer pages than one per priority after the cover, summary and table across rounds."""
    _rnd, (reader, _pages) = report
    assert len(reader.pages) < 3 + Priority.objects.count()


def test_the_note_puts_two_priorities_on_a_page_on_letter(sign_in):
    reader, pages = _read(sign_in("duhead"), "/routines/note.pdf?paper=letter")
    assert _size(reader) == LETTER and _size(reader, -1) == LETTER
    text = _flat(" ".join(pages))
    assert "Monthly note to the head of government" in text and "Summary: every priority at a glance" in text
    names = [_flat(p.name) for p in Priority.objects.all()]
    assert len(reader.pages) <= 2 + (len(names) + 1) // 2  # the masthead and summary, then mostly two a page
    pairs = sum(1 for page in pages[1:] if sum(1 for name in names if name in _flat(page)) >= 2)
    assert pairs >= len(names) // 2 - 2, pairs


def test_the_pack_has_its_cover_and_summary_and_a_letter_reader_gets_letter(sign_in, settings):
    meeting = (
        Meeting.objects.filter(routine__kind="stocktake", priorities__code="ae-waits", state="held")
        .order_by("-date")
        .first()
    )
    client = sign_in("duhead")
    reader, pages = _read(client, f"/routines/meetings/{meeting.pk}/pack.pdf", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")
    assert _size(reader) == LETTER  # a reader in a Letter country, no paper asked for
    cover = _flat(pages[0])
    assert "Stocktake pack" in cover and meeting.routine.name in cover and "Issued" in cover
    assert "Cut waiting times in emergency departments" in _flat(pages[1])
    settings.STOCKTAKE_PAPER = "a4"  # the deployment's paper wins over the browser's language
    reader, _ = _read(client, f"/routines/meetings/{meeting.pk}/pack.pdf", HTTP_ACCEPT_LANGUAGE="en-US")
    assert _size(reader) == A4


def test_printed_date_axes_have_labels_that_do_not_touch():
    """The x-axis labels of a print figure, as vl-convert lays them out in the PDF's font, leave a gap."""
    from stocktake.architecture.models import Indicator
    from stocktake.routines import render
    from stocktake.routines.performance import priority_performance

    ind = Indicator.objects.get(code="ae-4h")
    perf = priority_performance(ind.outcome.priority, units=False, annex=False, chart_width=render.PRINT_CHART_WIDTH)
    spec = next(i["spec"] for o in perf["outcomes"] for i in o["indicators"] if i["indicator"] == ind)
    for width in (render.SIDE_CHART_WIDTH, render.PRINT_CHART_WIDTH):
        svg = render.svg(render.print_spec(spec, width, 130))
        axis = re.search(r'aria-label="X-axis.*?role-axis-label"[^>]*>(.*?)</g>', svg, re.S).group(1)
        labels = [
            (float(x), text, float(size))
            for x, size, text in re.findall(
                r'translate\(([\d.]+),[\d.]+\)"[^>]*font-size="([\d.]+)px"[^>]*>([^<]+)</text>', axis
            )
        ]
        assert len(labels) >= 3, labels
        for (x1, t1, size), (x2, t2, _s) in zip(labels, labels[1:]):
            half = 0.62 * size * (len(t1) + len(t2)) / 2  # DejaVu Sans is about 0.6 em a character
            assert x2 - x1 > half, (width, t1, t2, x2 - x1)
