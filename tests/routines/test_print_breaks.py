"""No heading left at the foot of a printed page: the report, the note and the largest demo pack,
read back from their PDFs (Letter).

WeasyPrint writes every heading into the PDF's outline with the page it lands on; the page's text, laid out as
it reads (pypdf's layout mode), must not end with one of them. Without the print stylesheet's keep-together
rules (routines/_print.css: headings break-after: avoid, outcome blocks and chart pairs break-inside: avoid)
the demo's Letter documents end pages with "Next steps", "Narrative" or a delivery chain's title.
"""

import io
import re

import pytest
from django.db.models import Count

from stocktake.routines.models import AssessmentRound, Meeting

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r"Page \d+ / \d+\s*$")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _headings_by_page(reader) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(reader.get_destination_page_number(item), set()).add(_flat(item.title))

    walk(reader.outline)
    return found


def stranded_headings(pdf: bytes) -> list[tuple[int, str]]:
    """(page number, heading) of every page whose last line of text, above the running footer, is a heading
    that lands on that page (alone on the line, beside another column, or the tail of a wrapped heading)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    headings = _headings_by_page(reader)
    assert headings, "the PDF has no outline: WeasyPrint's bookmarks are how this test finds headings"
    found = []
    for n, page in enumerate(reader.pages):
        text = page.extract_text(extraction_mode="layout")
        lines = [line for line in text.splitlines() if line.strip() and not FOOTER.search(line)]
        if not lines:
            continue
        last = _flat(lines[-1])
        columns = {_flat(part) for part in re.split(r"\s{3,}", lines[-1]) if part.strip()}
        two = _flat(" ".join(lines[-2:]))
        for heading in headings.get(n, ()):
            if heading in columns or (heading.endswith(last) and two.endswith(heading)):
                found.append((n + 1, heading))
    return found


def _largest_pack_url() -> str:
    meeting = Meeting.objects.filter(state="held").annotate(n=Count("priorities")).order_by("-n", "-date").first()
    return f"/routines/meetings/{meeting.pk}/pack.pdf"


def _report_url() -> str:
    return f"/routines/rounds/{AssessmentRound.objects.order_by('-date').first().pk}/report.pdf"


@pytest.mark.parametrize(
    "url", [_report_url, lambda: "/routines/note.pdf", _largest_pack_url], ids=["report", "note", "pack"]
)
def test_no_page_ends_with_a_heading(sign_in, url):
    """On Letter: there the demo's documents strand headings without the keep-together rules (on A4 they
    happen not to), and each PDF takes tens of seconds on a loaded machine."""
    response = sign_in("duhead").get(f"{url()}?paper=letter")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.content[:300]
    assert stranded_headings(response.content) == []


def test_the_check_finds_a_heading_left_at_a_page_foot():
    """The check itself: a heading pushed to the foot of a page by filler, with nothing to keep it with
    its text (break-after: auto, overriding WeasyPrint's own default for headings), is found; kept with its
    text (break-after: avoid), it is not."""
    from weasyprint import HTML

    def pdf(keep: str) -> bytes:
        html = (  # A4 with 20 mm margins leaves 728 pt: 700 of filler, 16 of heading, then no room for a line
            "<style>@page { size: A4; margin: 20mm; } p { margin: 0; line-height: 14pt; font-size: 10pt; }"
            f"h2 {{ font-size: 13pt; line-height: 16pt; margin: 0; {keep} }}</style>"
            '<div style="height: 700pt">Filler.</div><h2>Next steps</h2><p>Hold the course.</p><p>Check monthly.</p>'
        )
        return HTML(string=html).write_pdf()

    assert stranded_headings(pdf("break-after: auto;")) == [(1, "Next steps")]
    assert stranded_headings(pdf("break-after: avoid;")) == []
