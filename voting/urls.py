from django.urls import path

from voting import views

app_name = "voting"

urlpatterns = [
    path("votaciones/<int:poll_id>/", views.results, name="results"),
    path("votaciones/<int:poll_id>/boletin.json", views.bulletin, name="bulletin"),
    path("votaciones/<int:poll_id>/comprobante/", views.receipt_check, name="receipt"),
    path("votaciones/<int:poll_id>/resultados.<str:fmt>", views.export, name="export"),
]
