"""The public side: pages, FilterSets, keyset pagination, aggregates, CSV reports, template tags.

May import: tracker.models, tracker.dates, tracker.columns. Never curation, intake or samples.
Read-only: nothing here writes to the database.
"""
