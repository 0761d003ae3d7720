"""Where releases' files live: STORAGES["releases"], a folder (RELEASES_ROOT) by default, or any Django storage.

A release is written under a temporary name and published whole: in a folder, its files are written in
`.partial/<tag>.<random>/` and the folder renamed to `<tag>/` in one step (a job that dies leaves nothing
at `<tag>/`); with another storage, written locally and then saved under `<tag>/`, the release row published
only after the last file. Either way a release becomes visible only when its row says published. Nothing
is ever written over: a name already taken fails the release instead (write-once).
"""

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages


def release_storage():
    return storages["releases"]


def local_root(storage=None):
    """The storage's folder when it is one (FileSystemStorage), else None."""
    try:
        return Path((storage or release_storage()).path(""))
    except NotImplementedError:
        return None


class Taken(Exception):
    pass


def exists(tag):
    storage = release_storage()
    root = local_root(storage)
    if root is not None:
        return (root / tag).exists()
    return bool(storage.listdir(tag)[1]) if storage.exists(tag) else False


def partial_folder(tag):
    """A new folder to write a release in, beside its final place when that is a folder (so renaming is one step)."""
    root = local_root()
    if root is None:
        return Path(tempfile.mkdtemp(prefix=f"release-{tag}-"))
    folder = root / ".partial" / f"{tag}.{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def publish(folder, tag):
    """The files written in folder become the release tag's, whole; the folder is gone afterwards."""
    storage = release_storage()
    root = local_root(storage)
    for path in folder.iterdir():
        path.chmod(0o444)  # write-once: not even this process writes them again
    if root is not None:
        final = root / tag
        if final.exists():
            raise Taken(f"{final} exists already: a release's files are never written over.")
        folder.chmod(0o755)
        os.rename(folder, final)
        return
    for path in sorted(folder.iterdir()):
        name = f"{tag}/{path.name}"
        if storage.exists(name):
            raise Taken(f"{name} exists already: a release's files are never written over.")
        with path.open("rb") as data:
            if storage.save(name, File(data, name=name)) != name:
                raise Taken(f"{name} was saved under another name: a release's files are never written over.")
    discard(folder)


def discard(folder):
    if folder.exists():
        for path in folder.iterdir():
            path.chmod(0o644)
        shutil.rmtree(folder, ignore_errors=True)


def open_file(tag, name):
    return release_storage().open(f"{tag}/{name}", "rb")


class HashedFile:
    """A file written a chunk (text or bytes) at a time, its SHA-256 and size counted as it goes."""

    def __init__(self, path):
        self.path, self.digest, self.bytes = path, hashlib.sha256(), 0
        self.file = path.open("wb")

    def write(self, chunk):
        data = chunk.encode() if isinstance(chunk, str) else chunk
        self.digest.update(data)
        self.bytes += len(data)
        self.file.write(data)

    def close(self):
        self.file.close()
        return {"name": self.path.name, "bytes": self.bytes, "sha256": self.digest.hexdigest()}
