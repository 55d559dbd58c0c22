from django.urls import path

from cocrea.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacidad/", views.notice, name="notice"),
    path("privacidad/mis-datos/", views.my_data, name="my_data"),
    path("privacidad/mis-datos/descargar/", views.my_data_download, name="download"),
    path("privacidad/mis-datos/suprimir/", views.my_data_delete, name="delete"),
    path("privacidad/mis-datos/suprimidos/", views.deleted, name="deleted"),
]
