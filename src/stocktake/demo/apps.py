from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo government and its `stocktake demo` command: the top of the stack, beside web (decision 3)."""

    name = "stocktake.demo"
    label = "demo"
    verbose_name = "Demo"
