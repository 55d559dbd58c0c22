from django.urls import path

from frontend import views

app_name = "toolkit"

urlpatterns = [
    path("", views.home, name="home"),
    path("decalogo/", views.decalogo, name="decalogo"),
    path("metodologias/", views.methodology_list, name="methodologies"),
    path("metodologias/<slug:slug>/", views.methodology_detail, name="methodology"),
    path("repositorio/", views.experience_list, name="experiences"),
    path("repositorio/<slug:slug>/", views.experience_detail, name="experience"),
    path("procesos/", views.process_list, name="processes"),
    path("procesos/<slug:slug>/", views.process_detail, name="process"),
]
