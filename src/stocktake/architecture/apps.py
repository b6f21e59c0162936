from django.apps import AppConfig


class ArchitectureConfig(AppConfig):
    """Delivery architecture: what are we trying to do (PRODUCT.md section A)."""

    name = "stocktake.architecture"
    label = "architecture"
    verbose_name = "Delivery architecture"

    def ready(self):
        from django.core.signals import setting_changed

        from .fiscal import apply_setting, on_setting_changed

        apply_setting()
        setting_changed.connect(on_setting_changed, dispatch_uid="stocktake-financial-year-start")
