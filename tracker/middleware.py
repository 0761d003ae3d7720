"""Refuse input no page can use, before any view or database sees it.

A NUL character (raw, or %00 in the URL) is never valid here, and PostgreSQL
refuses it in any text it is handed, so a lookup with one would end in a server
error. An address longer than MAX_URL characters is refused too: production's
gunicorn refuses a request line over 4,094 bytes, and development should say the
same thing, with a message, instead of querying with a value no field can hold.
And one hole of Django's admin: an empty ?_to_field= on a change or delete page.
"""

from django.http import HttpResponse

MAX_URL = 4000  # characters of path plus query string, under gunicorn's 4,094-byte request line


def first_nul(request):
    """Where a NUL is (path, a query parameter, a form field, an uploaded file's name, a cookie), or None."""
    if "\x00" in request.path:
        return "the path"
    places = [("query parameter", request.GET)]
    if request.method == "POST":
        places.append(("form field", request.POST))
    for noun, data in places:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return f"the {noun} {key.replace(chr(0), '%00')[:40]!r}"
    if request.method == "POST":
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


class RefuseUnusableInputMiddleware:
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
            return bad_request(
                f"Bad request: {where} contains a NUL character (%00), which no page of this site accepts. "
                "Remove it and try again."
            )
        if request.GET.get("_to_field", None) == "":
            # Django 5.2's admin checks a non-empty _to_field only, then looks up a field named "": a 500.
            return bad_request("Bad request: the query parameter '_to_field' is empty; name a field or leave it out.")
        return self.get_response(request)
