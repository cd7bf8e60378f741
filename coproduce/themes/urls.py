app_name = "themes"
urlpatterns = []
