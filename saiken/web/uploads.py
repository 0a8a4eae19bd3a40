"""An uploaded file is stopped while it arrives once it passes SAIKEN_UPLOAD_MAX_BYTES, so an
absurd upload never fills the disk; the import screens then say it was too large
(saiken.payments.uploads checks the size of every file it is given as well)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each chunk on until the file is too large."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.SAIKEN_UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)  # the rest of the request is read and dropped
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file


def too_large(request) -> bool:
    """Was a file of this request stopped for its size?"""
    return getattr(request, "upload_too_large", False)
