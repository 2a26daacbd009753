"""Each OpenRosa view three times: under /openrosa/ (credentials, HTTP Basic offered first: a user name and
password typed in ODK Collect), under /openrosa/app/ (credentials, HTTP Digest offered first: the user name
and the referent's key, as the QR code configures ODK Collect), and under /openrosa/key/<key>/ with the key
in the address (the QR codes made before Digest). `reverse("openrosa:form-list")`,
`reverse("openrosa:app:form-list")` or `reverse("openrosa:form-list", kwargs={"key": key})`."""

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
urlpatterns = [*routes, path("app/", include((routes, "app"))), path("key/<slug:key>/", include(routes))]
