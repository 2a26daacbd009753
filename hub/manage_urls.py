from django.urls import path

from hub import manage_views

app_name = "directory"
urlpatterns = [
    path("enterprises/", manage_views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", manage_views.enterprise_edit, name="enterprise-new"),
    path("enterprises/<int:pk>/", manage_views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", manage_views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/export/", manage_views.enterprise_export, name="enterprise-export"),
    path("enterprises/<int:pk>/anonymise/", manage_views.enterprise_anonymise, name="enterprise-anonymise"),
    path("referents/", manage_views.referent_list, name="referent-list"),
    path("referents/<int:pk>/", manage_views.referent_detail, name="referent-detail"),
]
