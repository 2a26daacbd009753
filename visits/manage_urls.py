from django.urls import path

from visits import manage_views

app_name = "manage-visits"
urlpatterns = [
    path("<int:pk>/", manage_views.visit_detail, name="detail"),
]
