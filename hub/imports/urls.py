"""Spreadsheet imports of a hub's existing records (enterprises, past cases and visits) under /manage/imports/."""

from django.urls import path

from hub.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("templates/<slug:kind>.<slug:extension>", views.template_download, name="template"),
    path("progress.js", views.progress_script, name="script"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/check/", views.batch_check, name="check"),
    path("<int:pk>/import/", views.batch_import, name="import"),
    path("<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
]
