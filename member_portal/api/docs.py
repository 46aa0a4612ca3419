"""Interactive API docs (Swagger UI) from drf-spectacular-sidecar's local files.

The split view serves Swagger UI's start-up code as a separate script (`?script`), so the page
runs under the site's strict CSP (script-src 'self', no inline script); nothing loads from a CDN.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    # The stock template has an inline <style>; ours links the same rules as a file.
    template_name = "api/swagger_ui.html"
