"""The site's settings, plus the benchmark's reference view (bench/urls.py). Never used in production."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
