from django.http import HttpRequest
from ninja.security import HttpBearer

from .services import api_token_authenticate


class BearerToken(HttpBearer):
    """Authorization: Bearer <token>. The request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user
