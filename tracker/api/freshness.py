"""Conditional GET for the API: ETag and Last-Modified from what the response shows, 304s from the data version.

The ETag is a hash of the representation itself (its bytes, media type and address), so it changes
only when what the answer shows changes: a curator's work on a draft (its notes, its items, a new
draft) writes to the tables the public reads and bumps the data version, but leaves every published
representation, and so its ETag, as it was. Last-Modified is when this address's ETag last changed,
as this server saw it (the first answer of a fresh cache says now: later than the change, never earlier).

The data version (tracker.models.DataVersion, bumped by triggers in the same transaction as every
write) keeps a 304 cheap: each address's validators are remembered in Django's cache with the version
they were computed at, and while the version stays the same a conditional GET is answered after one
query over a few rows. After a write, the next request computes its answer once and compares hashes.
A JSON Lines download is hashed before it streams (see lines_validated), then hashed again as it
streams: if a write landed in between, the connection is cut rather than an old ETag sent on new lines.
"""

import hashlib
import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from tracker.models import DataVersion

# Bump when responses change shape or content without the data changing (a field added, a link renamed).
REPRESENTATION = "3"
MAX_AGE = 60  # seconds a cache may reuse an anonymous read without asking again


def now():
    return int(time.time())  # to the second, as Last-Modified says it


class Validators:
    """The validators of one address and media type: known from the cache while the data version holds."""

    def __init__(self, request, accepted):
        # With the time of its last write: a version rolled back (a test's transaction) may come again.
        self.version = DataVersion.objects.current()
        self.address = f"{REPRESENTATION}|{accepted}|{request.build_absolute_uri()}"
        self.key = "api-validators:" + hashlib.blake2b(self.address.encode(), digest_size=16).hexdigest()
        self.known = cache.get(self.key)  # (version, etag, last modified) or None
        fresh = self.known is not None and self.known[0] == self.version
        self.etag, self.last_modified = self.known[1:] if fresh else (None, None)

    def not_modified(self, request):
        """The 304 (or 412) this request's conditions call for, if the validators are known; else None."""
        if self.etag is None:
            return None
        response = get_conditional_response(request, etag=self.etag, last_modified=self.last_modified)
        if response is not None:
            self.stamp(response)
        return response

    def hasher(self):
        hasher = hashlib.blake2b(digest_size=12)
        hasher.update(self.address.encode() + b"\n")
        return hasher

    def settle(self, hasher):
        """The ETag of what hasher read, remembered with this version; Last-Modified kept if the ETag is."""
        self.etag = '"' + hasher.hexdigest() + '"'
        unchanged = self.known is not None and self.known[1] == self.etag
        self.last_modified = self.known[2] if unchanged else now()
        if not unchanged or self.known[0] != self.version:
            cache.set(self.key, (self.version, self.etag, self.last_modified), timeout=None)

    def forget(self):
        cache.delete(self.key)

    def answer(self, request, response):
        """A full JSON answer, with validators from its own bytes, or the 304 the request's conditions call for."""
        hasher = self.hasher()
        hasher.update(response.content)
        self.settle(hasher)
        self.stamp(response)
        return get_conditional_response(request, etag=self.etag, last_modified=self.last_modified, response=response)

    def stamp(self, response):
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        stamp_public(response)
        return response


def stamp_public(response):
    """Cache-Control and Vary of every successful API read: the same for everyone, shaped by Accept."""
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Accept",))
    return response
