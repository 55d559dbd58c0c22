from django.urls import path

from cocrea.policy.views import drafts as views

# Routes of the policy app's "drafts" pages (see views/drafts.py).
PREFIX = "procesos/<slug:slug>/lineamientos/"
ITEM = PREFIX + "items/<int:item_id>/"

urlpatterns = [
    path(PREFIX, views.draft_page, name="draft"),
    path(PREFIX + "crear/", views.draft_create, name="draft_create"),
    path(PREFIX + "escribir/", views.item_write, name="draft_write"),
    path(PREFIX + "construir/", views.draft_build, name="draft_build"),
    path(PREFIX + "publicar/", views.draft_publish, name="draft_publish"),
    path(PREFIX + "versiones/<int:number>/", views.draft_version, name="draft_version"),
    path(ITEM, views.item_page, name="draft_item"),
    path(ITEM + "editar/", views.item_edit, name="draft_item_edit"),
    path(ITEM + "comentar/", views.item_comment, name="draft_item_comment"),
    path(ITEM + "estado/", views.item_status, name="draft_item_status"),
    path(ITEM + "retirar/", views.item_remove, name="draft_item_remove"),
]
