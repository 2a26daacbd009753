from django.urls import path

from cases import manage_views

app_name = "manage-cases"
urlpatterns = [
    path("", manage_views.case_list, name="list"),
    path("new/", manage_views.case_register, name="register"),
    path("<int:pk>/", manage_views.case_detail, name="detail"),
    path("<int:pk>/attachments/<uuid:token>/", manage_views.case_attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", manage_views.case_action, name="action"),
]
