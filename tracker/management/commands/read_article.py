"""manage.py read_article FILE --json: the reader's proposal for an article, printed; nothing is written."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from tracker.reader import article as articles
from tracker.reader.output import read


class Command(BaseCommand):
    help = (
        "Read an article (.html, plain text, or text with Title:/Outlet:/URL:/Published: headers) "
        "and print the proposed records; nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--json", action="store_true", help="Print the proposal as JSON (the default is a summary)."
        )

    def handle(self, *, file, json: bool, verbosity, **options):
        try:
            article = articles.from_file(file)
        except OSError as e:
            raise CommandError(f"Cannot read {file}: {e.strerror or e}") from e
        started = time.perf_counter()
        proposal = read(article)
        if json:
            self.stdout.write(dumps(proposal))
            return
        for request in proposal["requests"]:
            asked = request["supplier"]["code"] or request["supplier"]["name"]
            self.stdout.write(
                f"{request['requester']['code'] or request['requester']['name']} asked {asked}, "
                f"{request['date'] or 'undated'}, {request['status']}: "
                + "; ".join(i["description"] for i in request["items"])
            )
        for deployment in proposal["deployments"]:
            who = deployment["country"]["code"] or deployment["country"]["name"]
            self.stdout.write(f"{who} deployed {deployment['description']} in {deployment['location']}")
        took = time.perf_counter() - started
        found = f"{len(proposal['requests'])} request(s), {len(proposal['deployments'])} deployment(s)"
        self.stdout.write(f"{found} in {took:.2f} s.")


def dumps(proposal):
    return json.dumps(proposal, ensure_ascii=False, indent=2)
