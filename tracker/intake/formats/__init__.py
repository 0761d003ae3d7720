"""One module per file format; each parse(importer) yields Planned records from the importer's file."""

from . import ours, sipri_classic, sipri_current

PARSERS = {
    "requests": ours.parse,
    "deployments": ours.parse,
    "sipri-classic": sipri_classic.parse,
    "sipri-current": sipri_current.parse,
}
