from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.core.audit import audit_log

from .models import ApiToken, hash_token, new_raw_token

# Record use at most once a minute per token so busy clients do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value, which is shown once and never stored."""
    raw = new_raw_token()
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:8])
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit_log(actor=user, organisation=None, action="api_token.created", target=token)
    return token, raw


def api_token_revoke(*, token: ApiToken, revoked_by) -> ApiToken:
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=revoked_by, organisation=None, action="api_token.revoked", target=token)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
