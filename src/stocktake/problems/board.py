"""The problem board: active problems by level (crisis first) and by age, for the delivery unit's home and the list."""

from __future__ import annotations

from django.utils import timezone

from . import levels as L
from .models import Problem


def active(queryset):
    return queryset.exclude(status__in=[Problem.Status.RESOLVED, Problem.Status.CLOSED])


def columns(problems, today=None) -> list[dict]:
    """One column per level, 4 down to 1, each problem with its age in days, oldest first."""
    today = today or timezone.localdate()
    by_level: dict[int, list] = {level: [] for level in L.LEVELS}
    for p in problems:
        p.age_days = (today - p.opened_on).days
        by_level[p.level].append(p)
    return [
        {
            "level": level,
            "info": L.LEVELS[level],
            "problems": sorted(by_level[level], key=lambda p: (-p.age_days, p.pk)),
        }
        for level in sorted(L.LEVELS, reverse=True)
    ]
