from django.urls import path

from hub.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_new, name="new"),
    path("viewers/new/", views.viewer_new, name="viewer-new"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/invite/", views.invite_again, name="invite"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
