from django.urls import URLPattern

# Routes of the policy app's "plans" pages (see views/plans.py).
urlpatterns: list[URLPattern] = []
