from django.urls import path

from visits import views
from visits.openrosa import views as openrosa_views

app_name = "visits"
urlpatterns = [
    path("", views.mobile_home, name="mobile-home"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("directory.json", views.directory, name="directory"),
    path("followups.json", views.followups_copy, name="followups-copy"),
    path("followups/offline/", views.followup_form, name="followup-shell"),
    path("followups/<int:pk>/", views.followup_form, name="followup"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("library/", views.sheet_list, name="sheets"),
    path("library/<int:pk>/", views.sheet_detail, name="sheet"),
    path("day.json", views.day_copy, name="day"),
    path("cases/offline/", views.case_shell, name="case-shell"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case-action"),
    path("photos/<uuid:token>/", views.photo, name="photo"),
    path("odk/", openrosa_views.field_app, name="odk"),
]
