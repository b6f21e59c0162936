"""The Atom feed of "what changed since last month": new public commitments, newly published figures, revisions."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from stocktake.architecture import translations as TR

from . import commitments as C
from . import figures as F


def headline(change: dict) -> str:
    """One change in a sentence (the page and the feed say it the same way)."""
    if change["kind"] == "published":
        return _("New on this site: %(name)s") % {"name": TR.text(change["priority"], "name")}
    words = {
        "indicator": TR.text(change["indicator"], "name"),
        "month": F.month(change.get("end")),
        "count": F.number(change["count"], 0),
    }
    if change["kind"] == "revised":
        return _("%(indicator)s, %(month)s: published figures revised (%(count)s)") % words
    return _("%(indicator)s, %(month)s: new published figures (%(count)s)") % words


def link(change: dict) -> str:
    return reverse("public:commitment", args=[change["priority"].code])


class ChangesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Government commitments: what changed")

    def subtitle(self):
        return _("Commitments published, figures published and figures revised in the last %(days)d days.") % {
            "days": 31
        }

    def link(self):
        return reverse("public:changes")

    def language(self):
        return get_language()

    def items(self):
        return C.changes_since(timezone.now() - timedelta(days=31))[:100]

    def item_title(self, item):
        return headline(item)

    def item_description(self, item):
        return TR.text(item["priority"], "name")

    def item_link(self, item):
        return link(item) + f"#changed-{item['kind']}-{item['at']:%Y%m%d%H%M%S}"

    def item_pubdate(self, item):
        return item["at"]

    def item_updateddate(self, item):
        return item["at"]
