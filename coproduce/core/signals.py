from allauth.account.signals import user_logged_in
from django.conf import settings
from django.dispatch import receiver


@receiver(user_logged_in)
def open_pages_in_their_language(sender, request, user, response=None, **kwargs) -> None:
    """Someone who chose a language finds the pages in it on any device they sign in on. allauth's own
    signal carries the response it will send (Django's does not)."""
    if response is None or not user.language:
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
