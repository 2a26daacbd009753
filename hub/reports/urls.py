from django.urls import path

from hub.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("export.<str:fmt>", views.report_export, name="export"),
    path("records/<str:kind>/", views.report_records, name="records"),
    path("targets/", views.targets_edit, name="targets"),
]
