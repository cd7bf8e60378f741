app_name = "yousaid"
urlpatterns = []
