from django.urls import path

from hub.library import views

app_name = "portal-library"
urlpatterns = [
    path("", views.portal_sheet_list, name="sheets"),
    path("<int:pk>/", views.portal_sheet, name="sheet"),
    path("<int:pk>/files/<uuid:token>/", views.sheet_attachment, name="attachment"),
]
