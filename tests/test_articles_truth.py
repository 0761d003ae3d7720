"""Our own labelled articles (tests/articles/) stay consistent: every quote is text of the body, labels are
from the fixed lists, dates are no finer than the article's. The same check as ../shared/articles/README.md."""

import json
import re
from pathlib import Path

import pytest

from tracker.models.requests import HelpKind, RequestStatus
from tracker.reference import EQUIPMENT_TYPES

ARTICLES = Path(__file__).parent / "articles"
TRUTHS = sorted(ARTICLES.glob("*.json"))
TYPES = {name.lower() for _slug, name, _description in EQUIPMENT_TYPES}
STATUSES = {label.lower() for _value, label in RequestStatus.choices}
KINDS = {label.lower() for _value, label in HelpKind.choices}
REQUEST_KEYS = {"requester", "supplier", "date", "status", "hedged", "items", "people", "quote"}
ITEM_KEYS = {"equipment_type", "system", "kind", "quantity", "quantity_words", "quote"}
DEPLOYMENT_KEYS = {"country", "what", "where", "quote"}


def article(truth_path):
    header, body = truth_path.with_suffix(".txt").read_text(encoding="utf-8").split("\n\n", 1)
    return header, body, json.loads(truth_path.read_text(encoding="utf-8"))


def precision(date):
    return 0 if date is None else {4: 1, 7: 2, 10: 3}[len(date)]


def test_six_articles_one_negative():
    assert len(TRUTHS) == 6
    assert sum(1 for t in TRUTHS if not article(t)[2]["requests"]) == 1


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.stem)
def test_quotes_are_text_of_the_body(truth_path):
    _header, body, truth = article(truth_path)
    quotes = [r["quote"] for r in truth["requests"]] + [i["quote"] for r in truth["requests"] for i in r["items"]]
    quotes += [d["quote"] for d in truth["deployments"]]
    assert [q for q in quotes if q not in body] == []


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.stem)
def test_labels_follow_the_rules(truth_path):
    header, body, truth = article(truth_path)
    headers = dict(line.split(": ", 1) for line in header.splitlines())
    assert list(headers) == ["Title", "Outlet", "URL", "Published"]
    assert 150 <= len(body.split()) <= 400
    assert set(truth) == {"published", "requests", "deployments", "notes"}
    assert truth["published"] == headers["Published"]
    for request in truth["requests"]:
        assert set(request) == REQUEST_KEYS
        assert re.fullmatch(r"[A-Z]{2}", request["requester"])
        assert request["supplier"] is None or re.fullmatch(r"[A-Z]{2}", request["supplier"])
        assert request["status"] in STATUSES and isinstance(request["hedged"], bool)
        # Never finer than the text: at most as precise as the article's own date.
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", request["date"])
        assert precision(request["date"]) <= precision(truth["published"])
        assert all(person in body for person in request["people"])
        for item in request["items"]:
            assert set(item) == ITEM_KEYS
            assert item["equipment_type"] in TYPES and item["kind"] in KINDS
            assert item["system"] is None or item["system"] in body
            assert item["quantity"] is None or (isinstance(item["quantity"], int) and item["quantity"] > 0)
    for deployment in truth["deployments"]:
        assert set(deployment) == DEPLOYMENT_KEYS and re.fullmatch(r"[A-Z]{2}", deployment["country"])
