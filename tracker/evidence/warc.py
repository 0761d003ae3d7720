"""A fetch written as a WARC/1.1 file: warcinfo, then each hop's request and response as received.

The response block is the bytes read from the connection, status line, headers, chunk framing and
compressed body as they came, not headers re-serialised by warcio, so the record is the exchange
itself. warcio would also compute WARC-Payload-Digest over the chunk framing (warcio #74, against
the spec's "transfer-encoding removed"); we give it the digest of the de-chunked body instead.
Each hop's record says its ip, and a redirect body cut at REDIRECT_BODY says WARC-Truncated.
"""

import base64
import hashlib
import io
import re
import uuid
from importlib.metadata import version

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from tracker.evidence.fetch import USER_AGENT

SOFTWARE = f"Arms Request Tracker evidence (tracker/evidence), warcio {version('warcio')}"


CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked[ \t]*(\r\n|$)", re.IGNORECASE)


def sha1_label(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def payload(block):
    """The entity body inside an HTTP message block, chunk framing removed (what the payload digest covers)."""
    head, _, body = block.partition(b"\r\n\r\n")
    if not CHUNKED.search(head):
        return body
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip(), 16)
        except ValueError:  # cut or malformed framing: the payload is what came before it
            break
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


def record(kind, uri, date, block, headers):
    """A record whose block is written byte for byte: warcio never parses or rewrites it.

    block is bytes, or (file, size, payload sha1 hex) for a large response read from its file.
    """
    if isinstance(block, bytes):
        stream, size = io.BytesIO(block), len(block)
        block_digest, payload_digest = sha1_label(block), sha1_label(payload(block))
    else:
        stream, size, payload_hex = block
        stream.seek(0)
        block_digest = "sha1:" + base64.b32encode(file_sha1(stream)).decode()
        payload_digest = "sha1:" + base64.b32encode(bytes.fromhex(payload_hex)).decode()
        stream.seek(0)
    rec_headers = StatusAndHeaders(
        "",
        [
            ("WARC-Type", kind),
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri),
            *headers,
            ("WARC-Block-Digest", block_digest),
            ("WARC-Payload-Digest", payload_digest),
        ],
        protocol="WARC/1.1",
    )
    content_type = f"application/http; msgtype={kind}"
    return ArcWarcRecord("warc", kind, rec_headers, stream, None, content_type, size)


def file_sha1(stream):
    digest = hashlib.sha1()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    return digest.digest()


def exchange(uri, ip, date, request_bytes, response_block, complete=True):
    response_headers = [("WARC-IP-Address", ip)]
    if not complete:
        response_headers.append(("WARC-Truncated", "length"))
    response = record("response", uri, date, response_block, response_headers)
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    request = record("request", uri, date, request_bytes, [("WARC-Concurrent-To", response_id)])
    return [response, request]


def write_warc(result, out, filename=""):
    """Write result (a successful Fetch) to the binary file out, gzipped record by record."""
    if not result.ok:
        raise ValueError(f"a refused fetch has nothing to archive: {result.refused}")
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "http-header-user-agent": USER_AGENT,
        "description": f"capture of {result.url}",
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    date = datetime_to_iso_date(result.fetched_at.replace(tzinfo=None), use_micros=True)
    records = []
    for hop in result.redirects:
        records += exchange(hop.url, hop.ip, date, hop.request_bytes, hop.response_bytes, complete=hop.complete)
    final = (result.response_file, result.response_size, result.payload_digest)
    records += exchange(result.final_url, result.ip, date, result.request_bytes, final, result.complete)
    for each in records:
        writer.write_record(each)
