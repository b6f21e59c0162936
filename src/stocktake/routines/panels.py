"""What routines adds to the portfolio: routine health above, the latest likelihood under each priority."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from stocktake.accounts import permissions as perm

from . import access
from .health import routine_health
from .models import RATING_NAMES, AssessmentRound
from .reports import likelihood_by_priority


def portfolio_panel(request):
    """Only the delivery unit sees routine health: it is about their own discipline (and its meetings' packs,
    which readers of published values only, observers by default, cannot open: access.priorities)."""
    if not perm.can_read_all(request.user) or not perm.can_read_unpublished(request.user):
        return None
    return {
        "template": "routines/panel.html",
        "health": routine_health(),
        "latest_round": AssessmentRound.objects.order_by("-date", "-id").first(),
    }


def priority_notes(request, priority_ids):
    """Judgements are internal: the delivery unit sees all, a ministry its own, the public none."""
    if not access.can_view(request.user):
        return {}
    allowed = set(access.priorities(request.user).filter(pk__in=priority_ids).values_list("pk", flat=True))
    notes = {}
    for pid, (rating, rnd) in likelihood_by_priority(allowed).items():
        # the rating's word comes from delivery (its own translation is in hand elsewhere)
        notes[pid] = [
            {
                "text": _("Likelihood of delivery: %(rating)s (%(round)s)")
                % {"rating": RATING_NAMES[rating], "round": rnd.name},
                "url": reverse("routines:round", args=[rnd.pk]),
                "css": f"rag rag-{rating}",
                # the portfolio's likelihood column (monitoring.hooks, "slot")
                "slot": "likelihood",
                "rating": rating,
                "label": RATING_NAMES[rating],
                "round": rnd.name,
            }
        ]
    return notes
