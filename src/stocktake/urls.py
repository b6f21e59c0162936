from django.contrib import admin
from django.urls import include, path

from stocktake.api import api
from stocktake.monitoring import targets
from stocktake.monitoring import views as monitoring

urlpatterns = [
    path("", monitoring.home, name="portfolio"),
    path("indicators/<slug:code>/", monitoring.indicator_page, name="indicator"),
    path("indicators/<slug:code>/target/", targets.target_page, name="target"),
    path("indicators/<slug:code>/target/reading/", targets.target_reading, name="target_reading"),
    path("monitoring/", include("stocktake.monitoring.urls")),
    path("structure/", include("stocktake.architecture.urls")),
    path("accounts/", include("stocktake.accounts.urls")),
    path("collection/", include("stocktake.collection.urls")),
    path("plans/", include("stocktake.plans.urls")),
    path("routines/", include("stocktake.routines.urls")),
    path("incentives/", include("stocktake.incentives.urls")),
    path("evaluations/", include("stocktake.evaluations.urls")),
    path("problems/", include("stocktake.problems.urls")),
    path("setup/", include("stocktake.onboarding.urls")),
    path("public/", include("stocktake.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher posts here
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "stocktake.web.views.bad_request"
# Database trouble outside a view (e.g. saving the session) still gets an honest 503/409, never a bare 500.
handler500 = "stocktake.web.busy.server_error"
