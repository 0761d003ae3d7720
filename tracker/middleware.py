"""Refuse input no page can use, before any view, body parser or database sees it.

- Forwarded headers (X-Forwarded-*, Forwarded) count only from the proxies named in
  DJANGO_TRUSTED_PROXIES: from anyone else they are dropped, so a direct client cannot
  turn links into https or choose the address the login throttle counts.
- The public site is read-only: anything but GET, HEAD and OPTIONS outside the admin is
  a 405, answered before the CSRF check (which reads a form body) or any view runs.
- A body is never read when its declared length is over the limit of its path and
  user: the import upload takes 50 MB from a curator who may import, everything else a
  few MB. Unread, it never reaches a temporary file.
- A NUL character (raw, or %00) is never valid here, and PostgreSQL refuses it in any
  text it is handed, so a lookup with one would end in a server error. Form fields are
  checked only once the CSRF check has passed and a user is signed in (or is signing in).
- An address longer than MAX_URL characters is refused: production's gunicorn refuses a
  request line over 4,094 bytes, and development should say the same, with a message.
- And one hole of Django's admin: an empty ?_to_field= on a change or delete page.
"""

import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

MAX_URL = 4000  # characters of path plus query string, under gunicorn's 4,094-byte request line
MAX_BODY = 2_621_440  # Django's own DATA_UPLOAD_MAX_MEMORY_SIZE: any admin form, the login
MAX_UPLOAD_BODY = 51 * 2**20  # the import page's 50 MB file and its form around it
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # OPTIONS: the API's CORS preflight


def first_nul(request, form=False):
    """Where a NUL is (path, a query parameter, a form field, an uploaded file's name, a cookie), or None."""
    if "\x00" in request.path:
        return "the path"
    places = [("query parameter", request.GET)]
    if form:
        places.append(("form field", request.POST))
    for noun, data in places:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return f"the {noun} {key.replace(chr(0), '%00')[:40]!r}"
    if form:
        for key, upload in request.FILES.items():
            if "\x00" in (upload.name or ""):
                return f"the name of the uploaded file {key[:40]!r}"
    for key, value in request.COOKIES.items():
        if "\x00" in key or "\x00" in value:
            return f"the cookie {key.replace(chr(0), '%00')[:40]!r}"
    return None


def longest_parameter(request):
    """ " (the query parameter 'q' alone is 10000)": which parameter made an address too long, if one did."""
    lengths = [(len(value), key) for key, values in request.GET.lists() for value in values]
    if not lengths:
        return ""
    length, key = max(lengths)
    return f" (the query parameter {key.replace(chr(0), '%00')[:40]!r} alone is {length})"


def bad_request(message, status=400):
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def nul_refused(where):
    return bad_request(
        f"Bad request: {where} contains a NUL character (%00), which no page of this site accepts. "
        "Remove it and try again."
    )


def trusted_proxy(address):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


class TrustedProxyMiddleware:
    """First of all: forwarded headers from a peer that is not a configured proxy are dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for key in [key for key in request.META if key.startswith(("HTTP_X_FORWARDED_", "HTTP_FORWARDED"))]:
                del request.META[key]
        return self.get_response(request)


class RefuseUnusableInputMiddleware:
    """Address, cookies and body checks; placed before the CSRF check, which would read the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.path) + len(request.META.get("QUERY_STRING", ""))
        if length > MAX_URL:
            return bad_request(
                f"Bad request: the address is {length} characters long{longest_parameter(request)}; this site "
                f"answers addresses of up to {MAX_URL} characters. Use fewer filter values.",
                status=414,
            )
        where = first_nul(request)
        if where:
            return nul_refused(where)
        if request.GET.get("_to_field", None) == "":
            # Django 5.2's admin checks a non-empty _to_field only, then looks up a field named "": a 500.
            return bad_request("Bad request: the query parameter '_to_field' is empty; name a field or leave it out.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in READ_METHODS:
            return None
        if not request.path.startswith(reverse("admin:index")):
            response = bad_request(
                f"Method not allowed: {request.method}. This page only answers GET and HEAD; "
                "records are written in the admin.",
                status=405,
            )
            response["Allow"] = "GET, HEAD, OPTIONS" if request.path.startswith("/api/") else "GET, HEAD"
            return response
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return bad_request("Bad request: the Content-Length header is not a number.")
        limit = self.body_limit(request)
        if declared > limit:
            return bad_request(
                f"Request body too large: {declared:,} bytes; this address takes up to {limit:,} bytes.",
                status=413,
            )
        return None

    @staticmethod
    def body_limit(request):
        from tracker.curation.import_jobs import may_import  # the admin's own rule for who may import

        if request.path == reverse("admin:tracker_importrun_upload") and may_import(request.user):
            return MAX_UPLOAD_BODY
        return MAX_BODY


class RefuseNulInFormsMiddleware:
    """After the CSRF check and authentication: a form's fields and file names, read only for a signed-in
    user or the login page, where any admin form would read them anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        if not (request.user.is_authenticated or request.path == reverse("admin:login")):
            return None
        where = first_nul(request, form=True)
        return nul_refused(where) if where else None
