from django.urls import URLPattern

# Routes of the policy app's "responses" pages (see views/responses.py).
urlpatterns: list[URLPattern] = []
