"""Each OpenRosa view twice: under /openrosa/ with a password, and under /openrosa/key/<key>/ with a
referent's key (the server address ODK Collect is given by the QR code). Both share a name:
`reverse("openrosa:form-list")` or `reverse("openrosa:form-list", kwargs={"key": key})`."""

from django.urls import include, path

from visits.openrosa import views

app_name = "openrosa"
routes = [
    path("formList", views.form_list, name="form-list"),
    path("forms/<slug:form_id>.xml", views.form, name="form"),
    path("forms/<slug:form_id>/manifest", views.manifest, name="manifest"),
    path("forms/<slug:form_id>/media/<str:filename>", views.media, name="media"),
    path("submission", views.submission, name="submission"),
]
urlpatterns = [*routes, path("key/<slug:key>/", include(routes))]
