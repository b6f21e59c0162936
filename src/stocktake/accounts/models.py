"""Organisations, the people in them, and the audit trail of every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("Centre of government")
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        SUBNATIONAL = "subnational", _("Subnational government")
        PROVIDER = "provider", _("Provider")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Role(models.TextChoices):
        HEAD_OF_GOVERNMENT = "head_of_government", _("Head of government / minister")
        DELIVERY_UNIT_HEAD = "delivery_unit_head", _("Delivery unit head")
        PRIORITY_MANAGER = "priority_manager", _("Priority manager")
        INFORMATION_VALIDATOR = "information_validator", _("Information validator")
        DATA_LEAD = "data_lead", _("Ministry data lead")
        ACCOUNTABLE_LEADER = "accountable_leader", _("Accountable leader")
        OBSERVER = "observer", _("Observer")

    name = models.CharField(max_length=200)
    title = models.CharField(
        max_length=200, blank=True, help_text="Job title, e.g. 'Permanent Secretary, Ministry of Health'."
    )
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    # Emails (reminders, alerts) are written in it, whatever language the sender reads the site in.
    language = models.CharField(
        max_length=10, blank=True, help_text=_("The language of their emails (es, pt, fr...); blank: the site's.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk update() and delete() would bypass the per-entry guards below; refuse them too."""

    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One create, change or delete of a delivery record. Append-only.

    Written by the action functions in the same transaction as the change;
    nothing in the application updates or deletes an entry (save() refuses
    to update, delete() refuses outright).
    """

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("an audit entry's action", "Create")
        CHANGE = "change", pgettext_lazy("an audit entry's action", "Change")
        DELETE = "delete", pgettext_lazy("an audit entry's action", "Delete")
        LOCKOUT = (
            "lockout",
            pgettext_lazy("an audit entry's action", "Lockout"),
        )  # repeated failed sign-ins or bad tokens refused (accounts.actions)

    class Interface(models.TextChoices):
        WEB = "web", pgettext_lazy("where an audit entry came from", "Web page")
        ADMIN = "admin", pgettext_lazy("where an audit entry came from", "Admin")
        API = "api", pgettext_lazy("where an audit entry came from", "API")
        CLI = "cli", pgettext_lazy("where an audit entry came from", "Command line")
        IMPORT = "import", pgettext_lazy("where an audit entry came from", "Import")
        SYSTEM = "system", pgettext_lazy("where an audit entry came from", "System")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # PROTECT: deleting a user would rewrite who made the change. Deactivate users instead.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    interface = models.CharField(max_length=10, choices=Interface.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 digest of the secret is stored.

    The secret is random (256 bits), so a plain hash is enough: there is
    nothing to brute-force, and a stolen database yields no usable tokens.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'nightly import from the health MIS'."
    )
    prefix = models.CharField(max_length=12, db_index=True, help_text="The first characters, to recognise a token.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()
