from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The citizens' commitments site, its open data and its read-only API."""

    name = "stocktake.public"
    label = "public"
    verbose_name = "Public site"
