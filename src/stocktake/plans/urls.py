"""Pages of the plans app, mounted at /plans/."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.plan, name="plan"),
    path("<slug:code>/rubric/", views.rate, name="rate"),
    path("<slug:code>/milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("<slug:code>/strategies/<int:pk>/", views.strategy, name="strategy"),
    path("<slug:code>/strategies/<int:pk>/profile.pdf", views.strategy_pdf, name="strategy_pdf"),
    path("<slug:code>/strategies/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
