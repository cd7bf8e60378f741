"""Protection for the public form that needs no third-party service and no puzzle: a honeypot field,
a minimum time to complete (a signed timestamp in the form), and a rate limit per client address."""

import hashlib
import time
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

STARTED_SALT = "coproduce.feedback.survey-started"
# People take longer than this to read and answer even one question; scripts do not.
DEFAULT_MIN_SECONDS = 3
# A form left open for a week is refreshed (answers kept) rather than trusted.
MAX_FORM_AGE = 7 * 24 * 60 * 60
# Generous, because a clinic's waiting-room tablet or a trust network shares one address.
DEFAULT_RATE_LIMIT = (30, 600)  # submissions, seconds


# Read when used, not at import, so a deployment's settings and a test's override_settings both apply.
def min_seconds() -> float:
    return getattr(settings, "FEEDBACK_MIN_SECONDS", DEFAULT_MIN_SECONDS)


def rate_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "FEEDBACK_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def too_fast(token: str) -> bool:
    """The form came back sooner than a person could answer it, or without a valid timestamp."""
    elapsed = seconds_since_started(token)
    return elapsed is None or elapsed < min_seconds()


def started_token(now: float | None = None) -> str:
    return signing.dumps({"t": time.time() if now is None else now}, salt=STARTED_SALT)


def seconds_since_started(token: str) -> float | None:
    """How long ago the form was shown, or None for a missing, altered or very old token."""
    try:
        started = signing.loads(token or "", salt=STARTED_SALT, max_age=MAX_FORM_AGE)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return time.time() - float(started)


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR as the audit log uses it; a proxy in front must set it (see docs/operations).
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count this submission; True once the address has sent more than the limit in the window.

    The address is hashed so the cache never holds it in the clear next to a survey."""
    limit, window = rate_limit()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
    key = f"feedback:rate:{scope}:{digest}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
