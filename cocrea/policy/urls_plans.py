from django.urls import path

from cocrea.policy.views import plans as views

# Routes of the policy app's "plans" pages (see views/plans.py).
PREFIX = "procesos/<slug:slug>/planes/"
PLAN = PREFIX + "<int:pk>/"
COMMITMENT = PLAN + "compromisos/<int:number>/"

urlpatterns = [
    path(PREFIX, views.plan_list, name="plans"),
    path(PLAN, views.plan_editor, name="plan"),
    path(PLAN + "compromisos/", views.commitment_create, name="commitment_create"),
    path(COMMITMENT, views.commitment_edit, name="commitment_edit"),
    path(COMMITMENT + "hitos/", views.milestone_add, name="milestone_add"),
    path(
        COMMITMENT + "hitos/<int:milestone>/cumplido/",
        views.milestone_done,
        name="milestone_done",
    ),
    path(COMMITMENT + "avances/", views.progress_add, name="progress_add"),
    path(PLAN + "publicar/", views.plan_publish, name="plan_publish"),
    path(PLAN + "publicado/", views.plan_version, name="plan_version"),
    path(PLAN + "versiones/<int:number>/", views.plan_version, name="plan_version_number"),
    path(PLAN + "rendicion-de-cuentas/", views.plan_accountability, name="plan_accountability"),
]
