"""Whom the login throttle counts."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client address django-axes counts failed logins against (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR unless DJANGO_TRUSTED_PROXY_COUNT says how many reverse proxies stand in
    front of the site. Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N proxies the client is the N-th entry from the right:
    whatever the client itself wrote there sits further left and is never read. A
    header shorter than N, or an entry that is no IP address, means the request did not
    come through the proxies as configured: then the connecting address counts.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
