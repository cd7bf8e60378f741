"""The Coproduce API at /api/v1/: personal access tokens, JSON errors with a clear detail."""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import BearerToken
from .routers.core import router as core_router

api = NinjaAPI(
    title="Coproduce API",
    version="1",
    description=(
        "Read your organisations and their members. Authenticate with a personal access token: "
        "`Authorization: Bearer <token>`. Create one on your account page or with "
        "`python manage.py create_api_token EMAIL`."
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {"detail": "Authentication required: send a valid token as 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    sources = ("query", "body", "path")
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", []) if part not in sources),
            "message": error.get("msg", "Not valid"),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": "Some values are not valid: see errors.", "errors": errors}, status=422
    )


api.add_router("/", core_router)
