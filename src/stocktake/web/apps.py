from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared layout: base template, static assets (htmx, the Vega bundle), home page."""

    name = "stocktake.web"
    label = "web"

    def ready(self):
        from .assets import ensure_vega_bundle

        ensure_vega_bundle()
