# Minimal Django 3.2 app: one view that saves an upload through
# TemporaryFileUploadHandler + FileSystemStorage (which moves the temp file).
import os
import sys

from django.conf import settings

OUT_DIR = os.environ["BENCH_OUT_DIR"]
settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    MEDIA_ROOT=OUT_DIR,
    FILE_UPLOAD_TEMP_DIR=os.environ["BENCH_TMP_DIR"],
    FILE_UPLOAD_HANDLERS=["django.core.files.uploadhandler.TemporaryFileUploadHandler"],
    DATA_UPLOAD_MAX_MEMORY_SIZE=None,
)

import django  # noqa: E402

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


@csrf_exempt
def upload(request):
    f = request.FILES["file"]
    name = default_storage.save("uploads/" + f.name, f)
    return HttpResponse(name)


urlpatterns = [path("upload", upload)]
application = get_wsgi_application()
