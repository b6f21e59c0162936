from django.apps import AppConfig


class CollectionConfig(AppConfig):
    """Data collection: importers, validation, verification, data quality and freshness (PRODUCT.md section C)."""

    name = "stocktake.collection"
    label = "collection"
    verbose_name = "Collection"

    def ready(self):
        """Add this app's boxes and badges to the portfolio page, and lend frozen packs the verification history
        (monitoring.hooks)."""
        from stocktake.monitoring import hooks

        from . import panels, verification

        hooks.register_panels(10, panels)
        hooks.register_review_history(verification.states_as_of)
