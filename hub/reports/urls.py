from django.urls import path

from hub.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("export.<str:fmt>", views.report_export, name="export"),
    path("exports/<uuid:token>/", views.export_job, name="export-job"),
    path("exports/<uuid:token>/progress/", views.export_job_progress, name="export-progress"),
    path("exports/<uuid:token>/file/", views.export_job_file, name="export-file"),
    path("exports/progress.js", views.export_job_script, name="export-script"),
    path("records/<str:kind>/", views.report_records, name="records"),
    path("targets/", views.targets_edit, name="targets"),
]
