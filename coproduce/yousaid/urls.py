from django.urls import path

from . import views

app_name = "yousaid"
urlpatterns = [
    path("you-said/", views.item_list, name="item-list"),
    path("you-said/add/", views.item_create, name="item-create"),
    path("you-said/<uuid:item>/", views.item_detail, name="item-detail"),
    path("you-said/<uuid:item>/edit/", views.item_edit, name="item-edit"),
    path("you-said/<uuid:item>/comments/", views.item_comments, name="item-comments"),
    path("you-said/<uuid:item>/answers/add/", views.response_create, name="response-create"),
    path("you-said/<uuid:item>/answers/<uuid:response>/", views.response_edit, name="response-edit"),
    path(
        "you-said/<uuid:item>/answers/<uuid:response>/publication/",
        views.response_publication,
        name="response-publication",
    ),
]
