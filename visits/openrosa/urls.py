app_name = "openrosa"
urlpatterns = []
