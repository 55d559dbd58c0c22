from django.urls import URLPattern

# Routes of the policy app's "exports" pages (see views/exports.py).
urlpatterns: list[URLPattern] = []
