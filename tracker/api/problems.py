"""Errors under /api/ as application/problem+json (RFC 9457): type, title, status, detail, and the bad parameters.

DRF's own errors (a bad filter value, a missing record, a method not allowed, a throttled client) go
through exception_handler. Everything else that answers an error under /api/ before or after DRF (an
address with no route, tracker.middleware's refusals of NUL characters and over-long addresses, a
server error) is rewritten by ProblemDetailsMiddleware, so a client never has to read an HTML page.
"""

import json
from functools import partial
from http import HTTPStatus

from django.http import HttpResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.explore.errors import LABELS, label_of

PROBLEM = "application/problem+json"
API_PREFIX = "/api/"

DETAILS = {
    404: "Nothing here: see /api/docs/ for the addresses of this API.",
    405: "This API is read-only: GET, HEAD and OPTIONS only.",
    500: "The server failed to answer; the error is logged.",
}


def problem(status, detail="", invalid=None, label=None):
    """The problem document: invalid is [(parameter, reason)]; label(parameter) is what the site's forms call it."""
    try:
        phrase, description = HTTPStatus(status).phrase, HTTPStatus(status).description
    except ValueError:
        phrase = description = f"Error {status}"
    body = {"type": "about:blank", "title": phrase, "status": status}
    body["detail"] = detail or DETAILS.get(status, description)
    if invalid:
        label = label or (lambda name: LABELS.get(name, name))
        body["invalid-params"] = [{"name": name, "label": label(name), "reason": reason} for name, reason in invalid]
    return body


def flatten(data, prefix=""):
    """DRF's error data ({"country": ["Unknown…"]}, ["…"], "…") as [(parameter, reason)]."""
    if isinstance(data, dict):
        return [pair for key, value in data.items() for pair in flatten(value, key)]
    if isinstance(data, list):
        return [pair for value in data for pair in flatten(value, prefix)]
    return [(prefix or "non_field_errors", str(data))]


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django answers 500, and the middleware below rewrites it
    if isinstance(exc, exceptions.ValidationError):
        invalid = flatten(exc.detail)
        # The label as the pages show it (the list's FilterSet says), and the parameter the address has.
        filters = getattr(getattr(context.get("view"), "filterset_class", None), "base_filters", {})
        label = partial(label_of, filters)
        detail = "; ".join(f"{label(name)} ({name}): {reason}" for name, reason in invalid)
        response.data = problem(response.status_code, detail, invalid, label)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = problem(response.status_code, str(detail))
    response.content_type = PROBLEM
    return response


def problem_response(status, detail="", invalid=None):
    body = json.dumps(problem(status, detail, invalid), ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type=PROBLEM)


class ProblemDetailsMiddleware:
    """Rewrites any other error under /api/ (an HTML or plain-text page) as a problem document."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PREFIX):
            return response
        if response.get("Content-Type", "").startswith(PROBLEM) or response.streaming:
            return response
        detail = ""
        if response.get("Content-Type", "").startswith("text/plain"):
            detail = response.content.decode("utf-8", "replace").strip()  # tracker.middleware's messages
        rewritten = problem_response(response.status_code, detail)
        for header in ("Allow", "Retry-After", "Vary"):
            if header in response:
                rewritten[header] = response[header]
        return rewritten
