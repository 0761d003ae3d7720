"""The public side: pages, FilterSets, keyset pagination, aggregates, CSV reports, template tags.

May import: tracker.models, tracker.dates, tracker.columns; kept.py also tracker.evidence.storage, to
serve a kept copy where settings.EVIDENCE_PUBLIC allows. Never curation, intake or samples.
Read-only: nothing here writes to the database.
"""
