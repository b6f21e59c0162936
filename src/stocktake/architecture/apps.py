from django.apps import AppConfig


class ArchitectureConfig(AppConfig):
    """Delivery architecture: what are we trying to do (PRODUCT.md section A)."""

    name = "stocktake.architecture"
    label = "architecture"
    verbose_name = "Delivery architecture"
