from django.urls import path

from canvases import views

app_name = "canvases"

urlpatterns = [
    path(
        "facilitar/<str:code>/lienzos/<int:activity_id>/exportar.<slug:fmt>",
        views.export,
        name="export",
    ),
]
