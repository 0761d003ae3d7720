"""A file's encoding, found in one pass over its bytes, and its text read line by line, never held whole.

A 50 MB upload as bytes and as one string would cost 100 MB or more (four bytes a character once one
character is outside Latin-1); read in chunks, a file costs a chunk and its longest line.
"""

import codecs
import io
import re


class ImportFailed(Exception):
    """The file cannot be read at all (no header we know, empty, undecodable)."""


CHUNK = 2**16  # bytes read at once; a chunk of 4-byte lines is split into 16,000 strings (1 MB)
MAX_LINE = 2**20  # characters: no row of a register comes near; a longer one is a file without line breaks

# The first bytes of files people upload by mistake instead of a CSV.
SIGNATURES = {
    b"\x1f\x8b": "gzip-compressed data: unpack it first",
    b"PK\x03\x04": "a zip archive or an Excel/OpenDocument workbook: save the sheet as CSV",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls): save the sheet as CSV",
    b"%PDF": "a PDF document",
    b"BZh": "bzip2-compressed data: unpack it first",
    b"\xfd7zXZ\x00": "xz-compressed data: unpack it first",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive: unpack it first",
}
CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # never in text (tab, line breaks, \x0b, \x0c may be)
SNIFF = 65536  # characters looked at to tell text from binary data
NOT_ASCII = re.compile(rb"[\x80-\xff]")
NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")  # the five bytes Windows-1252 leaves undefined
NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with a byte-order mark)",
    "utf-16": "UTF-16 (with a byte-order mark)",
    "utf-16-le": "UTF-16 little-endian (no byte-order mark)",
    "utf-16-be": "UTF-16 big-endian (no byte-order mark)",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1 (ISO 8859-1)",
}


class TextFile:
    """A seekable binary file and its encoding; lines() reads it again from the start on each call.

    read_as says, for the preview, which encoding was used and, if not UTF-8, why.
    """

    def __init__(self, file, encoding=None):
        self.file = file
        self.encoding, self.read_as = (encoding, NAMES[encoding]) if encoding else sniff(file)

    @classmethod
    def of(cls, data):
        """From bytes, a str (as UTF-8) or a seekable binary file (an upload, an open file)."""
        if isinstance(data, str):
            data = data.encode()
        return cls(io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data)

    def lines(self):
        """The text's lines, split at LF only (a CR alone is the CSV reader's to refuse), each with its LF."""
        self.file.seek(0)
        decoder = codecs.getincrementaldecoder(self.encoding)()  # strict: sniff() has read it all
        carry, number = "", 0
        while chunk := self.file.read(CHUNK):
            parts = (carry + decoder.decode(chunk)).split("\n")
            carry = parts.pop()
            for part in parts:
                number += 1
                if len(part) >= MAX_LINE:
                    too_long(number, part)
                yield part + "\n"
            if len(carry) >= MAX_LINE:
                too_long(number + 1, carry)
        if carry := carry + decoder.decode(b"", final=True):
            yield carry

    def bytes_chunks(self):
        self.file.seek(0)
        while chunk := self.file.read(CHUNK):
            yield chunk


def too_long(line, text):
    why = (
        "its lines end in a carriage return alone (CR): save the file with ordinary line endings"
        if "\r" in text
        else "has the file lost its line breaks?"
    )
    raise ImportFailed(
        f"Line {line} is over {MAX_LINE:,} characters long, longer than any row we read "
        f"(a register's rows have a few hundred): {why}"
    )


def sniff(file):
    """(encoding, what to tell the reader): UTF-8 (with or without BOM), UTF-16 (with or without BOM), else
    Windows-1252, else Latin-1, as SIPRI's classic files are. Binary data and NUL bytes are refused, by line."""
    file.seek(0)
    head = file.read(SNIFF * 2)
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            raise ImportFailed(f"This is not a text CSV file: it looks like {what}.")
    utf16 = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(head)
    if utf16:
        return check_utf16(file, utf16), NAMES[utf16]
    binary_check(head[:SNIFF].decode("latin-1"))
    bom = head.startswith(b"\xef\xbb\xbf")
    scan = Scan(bom)
    file.seek(0)
    while chunk := file.read(CHUNK):
        scan.feed(chunk)
    scan.feed(b"", final=True)
    if scan.utf8_error is None:
        return ("utf-8-sig" if bom else "utf-8"), NAMES["utf-8-sig" if bom else "utf-8"]
    line, offset, byte = scan.utf8_error
    where = f"line {line} is not valid UTF-8 (byte 0x{byte:02X} at byte offset {offset:,})"
    if bom:
        raise ImportFailed(
            f"The file starts with a UTF-8 byte-order mark, but {where}: part of it was saved in another "
            "encoding (Windows-1252?). Save the whole file again as UTF-8 and upload it again."
        )
    mixed = ""
    if scan.utf8_text_line:
        mixed = (
            f"; yet line {scan.utf8_text_line} holds UTF-8 text, which Windows-1252 reads as other characters "
            "(“Ã©” for “é”): if the file mixes encodings, save it again as UTF-8"
        )
    if scan.cp1252_error is None:
        return "cp1252", f"{NAMES['cp1252']}: {where}{mixed}"
    line, _, byte = scan.cp1252_error
    return "latin-1", f"{NAMES['latin-1']}: {where}, and byte 0x{byte:02X} on line {line} is not Windows-1252{mixed}"


class Scan:
    """One pass over the bytes: where UTF-8 first fails, where Windows-1252 does, the first NUL byte."""

    def __init__(self, bom):
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.position = self.lines = 0
        self.utf8_error = self.cp1252_error = None
        self.utf8_text_line = None  # the first line with a character outside ASCII, while UTF-8 still held
        self.skip_bom = bom

    def feed(self, chunk, final=False):
        if self.skip_bom:
            chunk, self.skip_bom, self.position = chunk[3:], False, 3
        nul = chunk.find(b"\x00")
        if nul != -1:
            raise ImportFailed(
                f"Line {self.line_at(chunk, nul)} holds a NUL byte (\\x00), which no CSV cell may contain: "
                "the file is damaged or not a text CSV file."
            )
        if self.utf8_error is None:
            pending = len(self.decoder.getstate()[0])
            try:
                self.decoder.decode(chunk, final)
            except UnicodeDecodeError as error:
                at = error.start - pending  # in this chunk; below 0 when the sequence began in the last one
                start = max(at, 0)
                self.utf8_error = (self.line_at(chunk, start), self.position + at, error.object[error.start])
                self.note_text(chunk[:start])
            else:
                self.note_text(chunk)
        if self.cp1252_error is None and (found := NOT_CP1252.search(chunk)):
            at = found.start()
            self.cp1252_error = (self.line_at(chunk, at), self.position + at, chunk[at])
        self.lines += chunk.count(b"\n")
        self.position += len(chunk)

    def note_text(self, valid):
        if self.utf8_text_line is None and not valid.isascii():
            self.utf8_text_line = self.line_at(valid, NOT_ASCII.search(valid).start())

    def line_at(self, chunk, index):
        return self.lines + chunk.count(b"\n", 0, index) + 1


def check_utf16(file, encoding):
    """The encoding, once the whole file has decoded as it and holds no NUL character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    file.seek(0)
    lines, first = 0, True
    try:
        while True:
            chunk = file.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if first:
                binary_check(text[:SNIFF])
                first = False
            nul = text.find("\x00")
            if nul != -1:
                raise ImportFailed(
                    f"Line {lines + text.count(chr(10), 0, nul) + 1} holds a NUL byte (\\x00), which no CSV cell "
                    "may contain: the file is damaged or not a text CSV file."
                )
            lines += text.count("\n")
            if not chunk:
                return encoding
    except UnicodeDecodeError:
        raise ImportFailed("This is not a text CSV file: it starts like UTF-16 text but is not.") from None


def binary_check(head):
    controls = len(CONTROL.findall(head))
    if controls > max(8, len(head) // 100):
        first = CONTROL.search(head).start()
        raise ImportFailed(
            f"This is not a text CSV file: it holds binary data ({controls} control characters in its first "
            f"{len(head):,} characters, the first on line {head.count(chr(10), 0, first) + 1})."
        )


def utf16_without_bom(head):
    """'utf-16-le' or 'utf-16-be' when the file is UTF-16 text without a byte-order mark, else None.

    Text in a Latin script saved as UTF-16 has a NUL byte in every other position (after each
    character in little-endian, before it in big-endian); nothing else we read looks like that.
    """
    half = len(head) // 2
    if half < 2:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > half * 0.9 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.9 and odd < half * 0.1:
        return "utf-16-be"
    return None


def decode(data):
    """(text, encoding) of the whole file at once: for tests and small files; the engine reads lines."""
    text = TextFile.of(data)
    return "".join(text.lines()), text.encoding
