"""How fast one client may read the API (DJANGO_API_RATE, default 30 a second), per serving process."""

from rest_framework.throttling import AnonRateThrottle

from tracker.security import client_ip


class ClientThrottle(AnonRateThrottle):
    """Requests per client address, counted as the login throttle counts them (tracker.security)."""

    scope = "client"

    def get_ident(self, request):
        return client_ip(request)
