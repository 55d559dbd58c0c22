from django.urls import URLPattern

# Routes of the staged model's "pages" (see views_pages.py).
urlpatterns: list[URLPattern] = []
