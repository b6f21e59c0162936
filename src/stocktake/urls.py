from django.contrib import admin
from django.urls import path

from stocktake.api import api
from stocktake.monitoring import views as monitoring

urlpatterns = [
    path("", monitoring.portfolio, name="portfolio"),
    path("indicators/<slug:code>/", monitoring.indicator_page, name="indicator"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
