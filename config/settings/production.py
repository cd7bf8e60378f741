"""Production: HTTPS only. SECRET_KEY and ALLOWED_HOSTS must come from the environment."""

import os

from .base import *  # noqa: F403
from .base import SMTP_MAILER

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
MAILERS = {"default": SMTP_MAILER}  # real email only; set EMAIL_HOST and friends
