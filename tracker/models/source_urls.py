"""When two sources are the same page: their web addresses differ only by what does not change the page.

same_page(url) reduces an address to what names the page: scheme (http and https alike), `www.`,
default port, trailing slash, fragment and tracking parameters (utm_*, fbclid, gclid …) go; the other
query parameters stay, sorted. No column stores it (it would need a migration, and a change of the
rule another), so the database narrows first, with the url column's index: every spelling of a page
starts with one of url_prefixes(url), a range of the index each; Python then compares same_page().
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

TRACKING = {
    "fbclid",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "cmpid",
    "ocid",
    "smid",
}
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"80", "443"}


def tracking(name):
    name = name.lower()
    return name in TRACKING or name.startswith(TRACKING_PREFIXES)


def parts(url):
    """(host without www. and default port, path without trailing slash, query without tracking, sorted);
    None if url is not a web address."""
    try:
        split = urlsplit((url or "").strip())
        port = split.port
    except ValueError:
        return None
    if split.scheme.lower() not in ("http", "https") or not split.hostname:
        return None
    host = split.hostname.rstrip(".")
    host = host.removeprefix("www.")
    if port is not None and str(port) not in DEFAULT_PORTS:
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if not tracking(k))
    return host, split.path.rstrip("/"), urlencode(query)


def same_page(url):
    """What two spellings of one page share: "https://www.example.org/a/?utm_source=x" -> "example.org/a"."""
    found = parts(url)
    if found is None:
        return None
    host, path, query = found
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def url_prefixes(url):
    """The beginnings every spelling of url's page (as written, in small letters) starts with: one per
    scheme and www., host and path as typed but for the case of the host."""
    found = parts(url)
    if found is None:
        return []
    host, path, _query = found
    return [f"{scheme}://{www}{host}{path}" for scheme in ("http", "https") for www in ("", "www.")]


def after(prefix):
    """The least string above every string that starts with prefix (in code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
