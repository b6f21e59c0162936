"""Pages of the routines app, mounted at /routines/."""

from django.urls import path

from . import document_views, views

app_name = "routines"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_ics, name="calendar"),
    path("routine/new/", views.routine_new, name="routine-new"),
    path("routine/<int:pk>/calendar.ics", views.calendar_ics, name="routine-calendar"),
    path("routine/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/compare/", views.compare, name="compare"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/assess/<int:outcome_id>/", views.assess, name="assess"),
    path("rounds/<int:pk>/close/", views.round_state, {"to": "close"}, name="round-close"),
    path("rounds/<int:pk>/reopen/", views.round_state, {"to": "reopen"}, name="round-reopen"),
    path("rounds/<int:pk>/report/", views.report, name="report"),
    path("rounds/<int:pk>/report.pdf", views.report, {"fmt": "pdf"}, name="report-pdf"),
    path("rounds/<int:pk>/report.xlsx", views.report, {"fmt": "xlsx"}, name="report-xlsx"),
    path("note/", views.note, name="note"),
    path("note.pdf", views.note, {"fmt": "pdf"}, name="note-pdf"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/pack.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<int:pk>/<slug:what>/", views.meeting_write, name="meeting-write"),
    path("documents/new/", document_views.document_new, name="document-new"),
    path("documents/<int:pk>/", document_views.document_page, name="document"),
    path("documents/<int:pk>/download/", document_views.document_download, name="document-download"),
    path("actions/", views.tracker, name="actions"),
    path("actions/<int:pk>/close/", views.action_close, name="action-close"),
]
