from django.urls import path

from cocrea.policy.views import responses

# Routes of the policy app's "responses" pages (see views/responses.py).
urlpatterns = [
    path("procesos/<slug:slug>/respuestas/", responses.responses_public, name="responses"),
    path(
        "procesos/<slug:slug>/respuestas/gestionar/",
        responses.responses_manage,
        name="responses_manage",
    ),
    path(
        "procesos/<slug:slug>/respuestas/gestionar/lote/",
        responses.responses_bulk,
        name="responses_bulk",
    ),
    path("mis-aportes/", responses.my_contributions, name="my_contributions"),
    path(
        "mis-aportes/recordar/",
        responses.my_contributions_remember,
        name="my_contributions_remember",
    ),
    path(
        "mis-aportes/olvidar/",
        responses.my_contributions_forget,
        name="my_contributions_forget",
    ),
]
