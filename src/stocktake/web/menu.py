"""Which sections the top bar offers: only those the signed-in role can open (docs/design.md, "Menus").

A link that answers 403 or sends a signed-in person back to sign in is a broken promise; each flag asks
the same permission function the section's landing page asks, so the menu and the page cannot disagree.
tests/web/test_menus.py follows every link of the bar and of each section's landing page for every demo role.
"""

from __future__ import annotations

from stocktake.accounts import permissions
from stocktake.collection import views as collection_views
from stocktake.routines import access as routines_access


def sections(user) -> dict[str, bool]:
    signed_in = bool(getattr(user, "is_authenticated", False))
    return {
        "data": signed_in and (collection_views.can_import(user) or permissions.can_read_all(user)),
        "routines": signed_in and routines_access.can_view(user),
        "fund": signed_in,
        "audit": permissions.can_read_audit(user),
        "tokens": permissions.can_use_api_tokens(user),
        "public": permissions.can_manage(user),  # what the public site shows (public.manage asks the same)
    }
