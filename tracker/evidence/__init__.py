"""Evidence: keeping a copy of every cited source (issue 21). This is the foundation only.

fetch.py fetches one URL safely (only public addresses, each one checked and then connected to,
size and time bounded) and says why when it refuses; addresses.py decides which addresses may be
reached; connection.py pins a connection to the checked address and records the bytes on the wire;
warc.py writes a fetch as a WARC file. No model, admin or job yet: the Capture model, its storage and
the background job come next.

May import: tracker.models (nothing of explore, curation, intake, samples, api or jobs): rooms call
this, never the other way round.
"""
