from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and permissions: organisations, people, roles and the audit trail."""

    name = "stocktake.accounts"
    label = "accounts"
    verbose_name = "People and permissions"
