"""Kept files in the evidence storage (settings.STORAGES["evidence"]), named by their SHA-256 and never rewritten.

Any Django storage works (a folder by default; S3-compatible through django-storages: docs/operations.md,
"Evidence"). A name is its content's hash, so a file already there is the same bytes and is left
alone; verify() reads every kept file back and compares.
"""

import hashlib

from django.core.files import File
from django.core.files.storage import storages

CHUNK = 1024 * 1024


def evidence_storage():
    return storages["evidence"]


def name_for(sha256, suffix):
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


def sha256_of(file):
    digest, size = hashlib.sha256(), 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def keep(file, suffix):
    """Store the open binary file (read from its start) under its hash: (name, sha256, size)."""
    file.seek(0)
    sha256, size = sha256_of(file)
    storage, name = evidence_storage(), name_for(sha256, suffix)
    if not storage.exists(name):
        file.seek(0)
        saved = storage.save(name, File(file, name=name))
        if saved != name:  # another worker stored the same bytes meanwhile: one copy is enough
            storage.delete(saved)
    return name, sha256, size


def open_kept(name):
    return evidence_storage().open(name, "rb")


def problem_with(name, sha256):
    """Why the kept file is not what was stored ("" when it is): missing, or its bytes changed."""
    storage = evidence_storage()
    try:
        with storage.open(name, "rb") as file:
            found, _ = sha256_of(file)
    except (FileNotFoundError, OSError) as e:
        return f"missing ({type(e).__name__})"
    return "" if found == sha256 else f"changed: its SHA-256 is now {found}, was {sha256}"
