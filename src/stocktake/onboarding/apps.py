from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """A government sets itself up from its own files: the setup workbook, DHIS2 org units, their export."""

    name = "stocktake.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding"
