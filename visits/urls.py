from django.urls import path

from visits import views

app_name = "visits"
urlpatterns = [
    path("", views.mobile_home, name="mobile-home"),
    path("photos/<uuid:token>/", views.photo, name="photo"),
]
