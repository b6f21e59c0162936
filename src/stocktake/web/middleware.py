"""Refuse query strings and form fields that no view can use as text, before any view sees them.

A NUL character makes PostgreSQL refuse the query it reaches (a 500 on PostgreSQL only, so easy to miss on
SQLite), and a lone UTF-16 surrogate cannot be encoded for the database or the page. No field of any page
needs either, so they are refused here once, with a 400 naming the field. The JSON API is left to its own
parser (stocktake.api), which reads its query strings and bodies itself.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from stocktake.params import BadParameter, unreadable


class RefuseUnreadableFields:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "api" in request.resolver_match.namespaces:
            return None  # the API's parser refuses these itself, in JSON (reading POST here would spend its body)
        for data in [request.GET, request.POST] if request.method == "POST" else [request.GET]:
            for key, values in data.lists():
                if reason := unreadable(key):
                    raise BadParameter(_("a field name"), reason)
                for value in values:
                    if reason := unreadable(value):
                        raise BadParameter(key, reason)
        return None
