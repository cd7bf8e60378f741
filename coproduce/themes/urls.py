from django.urls import path

from . import views

app_name = "themes"
urlpatterns = [
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<int:theme>/", views.theme_edit, name="theme-edit"),
    path("themes/<int:theme>/status/", views.theme_status, name="theme-status"),
    path("themes/review/", views.review_queue, name="review-queue"),
    path("themes/review/sync/", views.queue_sync, name="queue-sync"),
    path("themes/comments/<uuid:comment>/", views.comment_review, name="comment-review"),
    path("themes/comments/<uuid:comment>/risk/", views.comment_risk, name="comment-risk"),
    path("themes/comments/<uuid:comment>/flag/", views.comment_flag, name="comment-flag"),
    path("themes/summary/", views.summary, name="summary"),
]
