from django.urls import path

from hub.country import views

app_name = "country"
urlpatterns = [
    path("holidays/", views.holiday_list, name="holidays"),
    path("holidays/add/", views.holiday_add, name="holiday-add"),
    path("holidays/refresh/", views.holidays_refresh, name="holidays-refresh"),
    path("holidays/<int:pk>/", views.holiday_correct, name="holiday-correct"),
    path("holidays/<int:pk>/remove/", views.holiday_remove, name="holiday-remove"),
    path("units/", views.unit_list, name="units"),
    path("units/load/", views.units_load, name="units-load"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
]
