"""A release's files, hashed again and compared with its manifest: what `manage.py verify_release` reports."""

from tracker.evidence.storage import sha256_of

from .storage import open_file


def problems(release):
    """[(file name, what is wrong)] of the release's files; empty when every file is as it was written."""
    found = []
    for entry in release.manifest:
        try:
            with open_file(release.tag, entry["name"]) as file:
                sha256, size = sha256_of(file)
        except OSError as error:
            found.append((entry["name"], f"missing ({type(error).__name__})"))
            continue
        if sha256 != entry["sha256"]:
            found.append((entry["name"], f"SHA-256 is {sha256}, the manifest says {entry['sha256']}"))
        elif size != entry["bytes"]:
            found.append((entry["name"], f"{size:,} bytes, the manifest says {entry['bytes']:,}"))
    return found
