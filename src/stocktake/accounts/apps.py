from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and permissions: organisations, people, roles and the audit trail."""

    name = "stocktake.accounts"
    label = "accounts"
    verbose_name = "People and permissions"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save
        from django.utils.translation import gettext, ngettext

        from stocktake.delivery import text

        from . import roles
        from .models import Person

        text.install(gettext, ngettext)  # the engine's sentences in the reader's language
        post_migrate.connect(roles.ensure_groups, sender=self)
        post_save.connect(roles.sync_person_group, sender=Person, dispatch_uid="accounts-role-group")
