from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from hashbank.core.errors import CoreErrorCode, error_body


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering; nothing else is checked."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database, Redis and a Celery worker when configured, signing key loaded."""
    checks = {}
    for path in settings.HASHBANK_READINESS_CHECKS:
        name = path.rsplit(".", 1)[1].removeprefix("check_")
        try:
            ok, detail = import_string(path)()
        except Exception as exc:  # a broken check must not turn readiness into a 500
            ok, detail = False, f"check failed: {type(exc).__name__}"
        checks[name] = {"ok": ok, "detail": detail}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404s under /api/ are JSON with a code, like every other API error; pages stay HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(CoreErrorCode.NOT_FOUND, "No such endpoint."), status=404)
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(CoreErrorCode.SERVER_ERROR, "Something went wrong on our side."), status=500
        )
    return default_server_error(request)
