"""The Swagger UI page of the API, under the site's Content-Security-Policy.

Kept out of cocrea/csp.py: that module loads with the middleware, before Django REST
framework's settings may import the API modules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from drf_spectacular.views import SpectacularSwaggerSplitView

from cocrea.csp import style_hashes


class SwaggerUIView(SpectacularSwaggerSplitView):
    """The API docs under the site's policy: the split view loads its start-up script
    from a URL instead of an inline <script>, and the page's one small inline <style>
    (drf-spectacular's template) is allowed by its hash, never by 'unsafe-inline'."""

    def finalize_response(
        self, request: HttpRequest, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not request.GET.get("script"):
            response.render()
            hashes = style_hashes(response.content.decode("utf-8"))
            if hashes:
                response._csp_update = {"style-src": hashes}  # read by the middleware
        return response
