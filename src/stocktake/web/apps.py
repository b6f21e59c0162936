from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared layout: base template, static assets (htmx, the Vega bundle), home page."""

    name = "stocktake.web"
    label = "web"

    def ready(self):
        from django.conf import settings

        from .assets import ensure_vega_bundle

        ensure_vega_bundle()
        # WhiteNoise warns on every request until the collected-static folder exists.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
