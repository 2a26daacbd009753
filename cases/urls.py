from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("requests/new/", views.portal_new_request, name="portal-new-request"),
    path("requests/<int:pk>/", views.portal_case, name="portal-case"),
    path("requests/<int:pk>/attachments/<uuid:token>/", views.portal_attachment, name="portal-attachment"),
    path("requests/<int:pk>/<slug:action>/", views.portal_case_action, name="portal-action"),
    path("rate/<str:token>/", views.rate_link, name="rate-link"),
    path("followups/<str:token>/", views.followup_questionnaire, name="followup-questionnaire"),
]
