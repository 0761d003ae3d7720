"""The article reader (issue 22): an article in, proposed draft records out, every field tied to its words.

article.py reads a file or pasted text (the shared articles' header format, a saved page, plain
text); lexicon.py builds the matchers from our reference data (countries and their words, parties,
every System designation, the equipment vocabulary); words.py holds the English cue words (asking,
status, channel, help, hedges); dates.py finds dates and keeps the precision the text gives;
propose.py turns sentences into proposals. Offline and deterministic: spaCy's blank English
pipeline (no model), dateparser on short fragments only.

May import: tracker.models, tracker.intake.categories (the SIPRI vocabulary), tracker.evidence and
tracker.jobs. Nothing of explore, curation, samples or api.
"""
