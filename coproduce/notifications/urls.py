from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_index, name="list"),
    path("read/", views.notification_read_all, name="read-all"),
]
