"""The read-only JSON API under /api/: published requests, deployments, countries, systems and sources.

Django REST framework views over the public pages' FilterSets and keyset pagination, records written
as JSON by the database, JSON Lines downloads, conditional GET from the data version, problem+json
errors, an OpenAPI document and its documentation page.

May import: tracker.models, tracker.dates, tracker.columns, tracker.explore (its FilterSets, pagination
and report streaming) and tracker.security. Never curation, intake or samples.
Read-only: nothing here writes to the database.
"""
