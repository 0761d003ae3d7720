"""Releases (issue 25): every published record frozen into dated files that are never rewritten.

- build.py    the job kind that writes a release (and start(), which queues it): one read-only snapshot;
- files.py    each data file, streamed through the public CSV writers and the API's JSON;
- schema.py   datapackage.json: each column's type and description, each file's bytes and SHA-256;
- changes.py  CHANGES.csv against the previous release, and the spans saying which releases hold a record;
- storage.py  the releases storage (STORAGES["releases"]): written under a temporary name, published whole;
- verify.py   each file of a release hashed again and compared with its manifest.

The public pages (/releases/) are explore's (tracker/explore/releases.py); the button, the admin's.

May import: tracker.models, tracker.jobs, tracker.explore (its CSV writers) and tracker.api (its JSON records).
Never curation, intake or samples.
"""
