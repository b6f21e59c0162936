"""Pages of the problems app, mounted at /problems/."""

from django.urls import path

from . import views, views_reviews, views_stakeholders

app_name = "problems"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:what>/", views.problem_write, name="write"),
    path("trees/<int:pk>/<slug:what>/", views.tree_write, name="tree-write"),
    path("reviews/", views_reviews.index, name="reviews"),
    path("reviews/new/", views_reviews.create, name="review-create"),
    path("reviews/<int:pk>/", views_reviews.detail, name="review"),
    path("reviews/<int:pk>/report.pdf", views_reviews.report_pdf, name="review-pdf"),
    path("reviews/<int:pk>/<slug:what>/", views_reviews.write, name="review-write"),
    path("stakeholders/<slug:code>/", views_stakeholders.register, name="stakeholders"),
    path("stakeholders/<slug:code>/<slug:what>/", views_stakeholders.write, name="stakeholders-write"),
]
