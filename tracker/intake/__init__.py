"""Everything that reads files: the import engine (plan, check, write) and the formats it reads
(formats/: ours, sipri_classic, sipri_current), country-name resolution, SIPRI and UNROCA categories.

May import: tracker.models, tracker.dates, tracker.columns, tracker.reference. Never explore, curation or samples.
"""
