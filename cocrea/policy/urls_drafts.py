from django.urls import URLPattern

# Routes of the policy app's "drafts" pages (see views/drafts.py).
urlpatterns: list[URLPattern] = []
