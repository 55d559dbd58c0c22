from django.urls import path

from voting import views

app_name = "voting"

urlpatterns = [
    path("votaciones/<int:poll_id>/", views.results, name="results"),
    path("votaciones/<int:poll_id>/boletin.json", views.bulletin, name="bulletin"),
    path("votaciones/<int:poll_id>/comprobante/", views.receipt_check, name="receipt"),
    path("votaciones/<int:poll_id>/resultados.<str:fmt>", views.export, name="export"),
    path("votaciones/<int:poll_id>/votar/", views.ballot_page, name="ballot"),
    path("votaciones/<int:poll_id>/votar/enviar/", views.ballot_submit, name="ballot_submit"),
    path("votaciones/<int:poll_id>/codigos/", views.codes_manage, name="codes"),
    path("votaciones/<int:poll_id>/codigos/hoja.pdf", views.codes_sheet, name="codes_sheet"),
    path("votaciones/<int:poll_id>/codigos/anular/", views.codes_void, name="codes_void"),
]
