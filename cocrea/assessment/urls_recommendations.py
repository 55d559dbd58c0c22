from django.urls import URLPattern

# Routes of the staged model's "recommendations" (see views_recommendations.py).
urlpatterns: list[URLPattern] = []
