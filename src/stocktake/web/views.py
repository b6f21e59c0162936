"""The site-wide error page for bad requests (Django's handler400, set in stocktake/urls.py).

Django's own handler renders 400.html without the request, so the page would lose the signed-in user and
the layout's links; this one renders it with the request, and says which field was wrong when a view
refused a value through stocktake.params.
"""

from __future__ import annotations

from django.shortcuts import render

from stocktake.params import BadParameter


def bad_request(request, exception=None):
    detail = exception if isinstance(exception, BadParameter) else None
    return render(
        request,
        "400.html",
        {"field": getattr(detail, "field", ""), "reason": getattr(detail, "reason", "")},
        status=400,
    )
