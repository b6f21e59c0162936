"""Builders the public site's tests share: a commitment of its own on the demo, published through the action."""

from __future__ import annotations

from tests import factories


def commitment(code: str, *, target=(80.0, 90.0), publish=True, **choices):
    """A published priority with one national indicator (reported at level 1, in %), on the public site."""
    from stocktake.public import actions

    ind = factories.indicator(code, unit="%", report_depth=1, target=target)
    priority = ind.outcome.priority
    priority.published = True
    priority.save(update_fields=["published"])  # no action exists for this yet (tests/factories.py makes them so)
    if publish:
        actions.publish(priority, user=factories.user("duhead"), published=True, **choices)
    return ind
