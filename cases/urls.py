from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.portal_home, name="portal-home"),
]
