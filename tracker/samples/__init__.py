"""Records that are not curated: the demo data from the seed article, and synthetic data at any scale.

May import: tracker.models, tracker.dates, tracker.reference. Nothing imports it but management commands.
"""
