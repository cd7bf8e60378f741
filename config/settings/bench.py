"""Benchmark settings (scripts/bench.py): production-like, with its own database and a bare view.

DEBUG stays off so templates are cached and no query log is kept, as in production.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "config.bench_urls"

# A separate SQLite file so benchmark members never land in the demo database.
if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / ".bench").mkdir(exist_ok=True)
    DATABASES["default"]["NAME"] = BASE_DIR / ".bench" / "bench.sqlite3"
