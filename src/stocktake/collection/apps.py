from django.apps import AppConfig


class CollectionConfig(AppConfig):
    """Data collection: importers, validation, verification, data quality and freshness (PRODUCT.md section C)."""

    name = "stocktake.collection"
    label = "collection"
    verbose_name = "Collection"
