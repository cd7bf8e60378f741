"""The Coproduce API at /api/v1/: personal access tokens, JSON errors with a clear detail."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import BearerToken
from .routers.core import router as core_router
from .routers.feedback import router as feedback_router
from .routers.involvement import router as involvement_router
from .routers.people import router as people_router
from .routers.projects import router as projects_router
from .routers.themes import router as themes_router
from .routers.yousaid import router as yousaid_router

api = NinjaAPI(
    title="Coproduce API",
    version="1",
    description=(
        "Read your organisations and their members; read and keep the involvement register (people, "
        "their checks and consent) and see groups; publish opportunities and record interest in them; "
        "record activities and who took part, and volunteer placements; read the involvement report; "
        "run co-production projects (team, decisions, the Ladder of Co-production as aggregates only, the "
        "integrity scorecard); run surveys and read their suppressed results; check the themes of written "
        "feedback; record what people said and what was done about it. "
        "You can do what your role lets you do on the pages, and no more. Routes under /public/ (open "
        'opportunities, answering a public survey, the "You said, we did" board) need no token. '
        "Otherwise authenticate with a personal access token: `Authorization: Bearer <token>`. "
        "Create one on your account page or with `python manage.py create_api_token EMAIL`. "
        "Invalid values get 422 with the field and what to do."
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


def _field_name(loc) -> str:
    """The field as the client knows it: "email", not "body.payload.email"."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[2:]  # the handler's parameter name for the whole body means nothing to clients
    elif parts[:1] in (["query"], ["path"]):
        parts = parts[1:]
    return ".".join(str(part) for part in parts)


def _message(error: dict) -> str:
    if error.get("type") == "value_error" and error.get("ctx", {}).get("error"):
        return str(error["ctx"]["error"])  # our own validators' words, without pydantic's "Value error, "
    if error.get("type") == "extra_forbidden":
        return "Remove this field: it is not one the API accepts"
    return error.get("msg", "Not valid")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": _message(error)} for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": "Some values are not valid: see errors.", "errors": errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def on_service_validation_error(request: HttpRequest, exc: DjangoValidationError):
    """Services validate what only the database knows (such as a unique email): the same 422 shape."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return api.create_response(
        request, {"detail": "Some values are not valid: see errors.", "errors": errors}, status=422
    )


api.add_router("/", core_router)
api.add_router("/", people_router)
api.add_router("/", involvement_router)
api.add_router("/", projects_router)
api.add_router("/", feedback_router)
api.add_router("/", themes_router)
api.add_router("/", yousaid_router)
