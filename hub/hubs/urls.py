from django.urls import path

from hub.hubs import views

app_name = "hubs"
urlpatterns = [
    path("", views.hub_list, name="list"),
    path("new/", views.hub_new, name="new"),
    path("<str:code>/settings/", views.hub_settings, name="settings"),
]
