from django.urls import path

from cocrea.audit import views

app_name = "audit"

urlpatterns = [path("auditoria/", views.events, name="events")]
