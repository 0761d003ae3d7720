"""Evidence: keeping a copy of every cited source (issue 21). This is the foundation only.

fetch.py fetches one URL safely (only public addresses, each one checked and then connected to,
size and time bounded) and says why when it refuses; addresses.py decides which addresses may be
reached; connection.py pins a connection to the checked address and records the bytes on the wire;
warc.py writes a fetch as a WARC file; storage.py keeps files under their SHA-256; extract.py takes
a page's main text; capture.py is the capture job (queued on every save of a new URL); links.py
checks originals and decides "gone"; sweep.py is the periodic job over both.

May import: tracker.models and tracker.jobs (nothing of explore, curation, intake, samples or api):
rooms call this or reach it through signals, never the other way round.
"""
