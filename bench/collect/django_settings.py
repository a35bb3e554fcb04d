"""Django 3.2 settings for the collect benchmark: collectstatic with
WhiteNoise's CompressedManifestStaticFilesStorage over the benchmark corpus.

run.ts sets BENCH_CORPUS (the laid-out corpus) and BENCH_DJANGO_ROOT
(STATIC_ROOT) and puts <corpus>/apps on PYTHONPATH, so each app folder is a
real Django app whose static/ folder AppDirectoriesFinder finds, in
INSTALLED_APPS order, after the project's STATICFILES_DIRS.
"""

import os

CORPUS = os.environ["BENCH_CORPUS"]

SECRET_KEY = "collect-benchmark"
DEBUG = False
USE_TZ = True

# The app folders the corpus was laid out with, in the order Stowage's
# static.apps lists them (run.ts passes the same list to both).
BENCH_APPS = [name for name in os.environ["BENCH_APPS"].split(",") if name]

INSTALLED_APPS = ["django.contrib.staticfiles", *BENCH_APPS]

STATIC_URL = "/static/"
STATIC_ROOT = os.environ["BENCH_DJANGO_ROOT"]
STATICFILES_DIRS = [os.path.join(CORPUS, "static")]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
