from django.contrib import admin
from django.urls import path

from stocktake.monitoring import views as monitoring

urlpatterns = [
    path("", monitoring.portfolio, name="portfolio"),
    path("indicators/<slug:code>/", monitoring.indicator_page, name="indicator"),
    path("admin/", admin.site.urls),
]
