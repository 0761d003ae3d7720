"""Which addresses a fetch may connect to: public ones, and the few the allowlist names."""

import ipaddress
import socket

# NAT64 (RFC 6052) carries an IPv4 address in its low 32 bits: judge that address, not the wrapper.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip):
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), or None."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]  # the client's address; the server's is public by design
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def why_not_public(address):
    """The reason address may not be connected to, or "" when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])  # a zone id (fe80::1%eth0) never names a public address
    except ValueError:
        return f"{address!r} is not an IP address"
    inner = embedded_ipv4(ip)
    if inner is not None:
        reason = why_not_public(str(inner))
        return f"{address} stands for {inner}, which {reason.split(' ', 1)[1]}" if reason else ""
    # Python 3.11 calls 100.64.0.0/10 neither private nor global: "not global" catches it and the like.
    for label, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally routable", not ip.is_global),
    ):
        if flag:
            return f"{address} is {label}"
    return ""


def resolve(host, port):
    """Every address host resolves to, in the resolver's order (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def parse_allowlist(entries):
    """{"host:port"} from "host:port" strings, lower-cased; an IPv6 host is written [::1]:8000."""
    allowed = set()
    for entry in entries:
        host, sep, port = entry.strip().lower().rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"EVIDENCE_ALLOWED_HOSTS entries are host:port, not {entry!r}")
        allowed.add(f"{host}:{int(port)}")
    return allowed


def endpoint(host, port):
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
