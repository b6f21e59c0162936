import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
application = get_wsgi_application()

from stocktake.web.busy import limit_lock_waits  # noqa: E402  (after the settings are set up)

limit_lock_waits()  # as `stocktake serve` does: a request waits at most STOCKTAKE_PG_LOCK_SECONDS for a row
