"""Pages of the incentives app, mounted at /incentives/."""

from django.urls import path

from . import setup_views, views

app_name = "incentives"
urlpatterns = [
    path("", views.index, name="index"),
    path("new-fund/", setup_views.create_fund, name="create_fund"),
    path("funds/<slug:code>/new-scheme/", setup_views.create_scheme, name="create_scheme"),
    path("payments/<int:pk>/", views.payment_page, name="payment"),
    path("payments/<int:pk>/approve/", views.approve, name="approve"),
    path("payments/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("payments/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("schemes/<slug:code>/", views.scheme_page, name="scheme"),
    path("schemes/<slug:code>/compute/", views.compute, name="compute"),
    path("schemes/<slug:code>/sample-checks/", views.sample_check, name="sample_check"),
    path("funds/<slug:code>/", views.fund_page, name="fund"),
    path("funds/<slug:code>/review/", views.review, name="review"),
    path("funds/<slug:code>/simulation/", views.simulation, name="simulation"),
    path("funds/<slug:code>/position.xlsx", views.position_xlsx, name="position_xlsx"),
    path("funds/<slug:code>/indigo.json", views.indigo, name="indigo"),
    path("funds/<slug:code>/statements/<slug:org>/", views.statement, name="statement"),
    path("funds/<slug:code>/statements/<slug:org>/pdf/", views.statement_pdf, name="statement_pdf"),
]
