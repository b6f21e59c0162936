"""The monthly note keeps every headline (performance) indicator of each outcome, whatever comes first."""

from stocktake.architecture.models import Indicator, Priority
from stocktake.routines import reports
from stocktake.routines.models import AssessmentRound
from tests import factories


def test_the_short_note_keeps_each_performance_indicator_and_drops_context(db):
    first = factories.indicator("note-context", kind=Indicator.Kind.CONTEXTUAL, level=Indicator.Level.LEADING)
    outcome = first.outcome
    for code in ("note-headline-a", "note-headline-b"):
        Indicator.objects.create(outcome=outcome, code=code, name=code, unit="count", direction="up", rank=5)
    rnd = AssessmentRound.objects.order_by("-date").first()
    note = reports.delivery_report(rnd, Priority.objects.filter(pk=outcome.priority_id), short=True)
    shown = [i["indicator"].code for o in note["pages"][0]["outcomes"] for i in o["indicators"]]
    assert shown == ["note-headline-a", "note-headline-b"]
    full = reports.delivery_report(rnd, Priority.objects.filter(pk=outcome.priority_id))
    assert [i["indicator"].code for o in full["pages"][0]["outcomes"] for i in o["indicators"]][0] == "note-context"
