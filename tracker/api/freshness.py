"""Conditional GET for the API: ETag and Last-Modified from the data version, 304 without the list query.

The validators are the public data's version (tracker.models.DataVersion, bumped by triggers in the
same transaction as every write to what the public sees, deletes included), the representation's
revision and the absolute URL asked for (path, query string, host), so one query over a few rows
answers a conditional GET whatever the size of the database. If-None-Match wins over
If-Modified-Since (RFC 9110); Last-Modified is the time of the last write, to the second.
"""

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from tracker.models import DataVersion

# Bump when responses change shape or content without the data changing (a field added, a link renamed).
REPRESENTATION = "1"
MAX_AGE = 60  # seconds a cache may reuse an anonymous read without asking again


class Validators:
    def __init__(self, request, accepted):
        version, changed_at = DataVersion.objects.current()
        key = f"{REPRESENTATION}|{version}|{accepted}|{request.build_absolute_uri()}"
        self.etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
        self.last_modified = int(changed_at.timestamp()) if changed_at else None

    def not_modified(self, request):
        """The 304 (or 412) this request's conditions call for, or None to answer in full."""
        response = get_conditional_response(request, etag=self.etag, last_modified=self.last_modified)
        if response is not None:
            self.stamp(response)
        return response

    def stamp(self, response):
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        stamp_public(response)
        return response


def stamp_public(response):
    """Cache-Control and Vary of every successful API read: the same for everyone, shaped by Accept."""
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Accept",))
    return response
