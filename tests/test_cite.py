"""Cite this (issue 25): the files a reference manager takes parse with real parsers and name the version's page."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest

from tracker.models import revision

pytestmark = pytest.mark.django_db

# The CSL data schema, vendored from citation-style-language/schema (tests/data/README.md).
CSL_SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text())


def save(obj, **changes):
    with revision(comment="test"):
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()
    return obj


@pytest.fixture
def cited(make_request):
    """A published request whose summary has every character BibTeX and RIS could trip on."""
    request = make_request(summary='Asks for {50%} of "S-300" & spares_#1 ~ $2^3\\ \nover two lines')
    save(request, published=True)
    save(request, status="agreed")
    return request


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def test_bibtex_parses_and_names_the_version_link(client, cited):
    response = download(client, f"/requests/{cited.pk}/v/1/cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="arms-request-tracker_request-{cited.pk}_v1.bib"'
    library = bibtexparser.loads(response.content.decode())
    (entry,) = library.entries
    assert entry["ENTRYTYPE"] == "misc" and entry["ID"] == f"art-request-{cited.pk}-v1"
    assert entry["url"] == f"http://testserver/requests/{cited.pk}/v/1/"
    assert entry["version"] == "1" and "S-300" in entry["title"] and "\n" not in entry["title"]


def test_csl_json_is_valid_csl_data_and_names_the_version_link(client, cited):
    response = download(client, f"/requests/{cited.pk}/v/2/cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'_request-{cited.pk}_v2.json"')
    data = json.loads(response.content)
    jsonschema.validate(data, CSL_SCHEMA)
    (item,) = data
    assert item["type"] == "dataset" and item["URL"] == f"http://testserver/requests/{cited.pk}/v/2/"
    assert item["version"] == "2" and len(item["issued"]["date-parts"][0]) == 3 and item["accessed"]
    broken = [{**item, "issued": "yesterday"}]
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict enough to catch a bad date
        jsonschema.validate(broken, CSL_SCHEMA)


def test_ris_is_one_line_per_tag(client, cited):
    response = download(client, f"/requests/{cited.pk}/v/1/cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "TY  - DATA" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(line[:2].isalnum() and line[2:6] == "  - " for line in lines[:-1])
    assert f"UR  - http://testserver/requests/{cited.pk}/v/1/" in lines and "ET  - version 1" in lines


def test_plain_citation_and_missing_versions(client, cited, make_request):
    page = client.get(f"/requests/{cited.pk}/")
    plain = page.context["cite"].plain
    assert plain.startswith("Arms Request Tracker. “Venezuela asked Russia: Asks for")
    assert ", version 2 (" in plain and f"http://testserver/requests/{cited.pk}/v/2/ (accessed " in plain
    assert 'data-copy="cite-text"' in page.content.decode()
    draft = make_request()
    save(draft)
    for path in (
        f"/requests/{cited.pk}/v/3/cite.bib",
        f"/requests/{draft.pk}/v/1/cite.ris",
        f"/requests/{cited.pk}/v/1/cite.txt",
    ):
        assert client.get(path).status_code == 404, path


def test_a_deployment_is_cited_too(client, make_deployment):
    deployment = save(make_deployment(unit="Carrier group"), published=True)
    text = client.get(f"/deployments/{deployment.pk}/").content.decode()
    assert f'href="/deployments/{deployment.pk}/v/1/"' in text and "United States deployed Carrier group" in text
    version = client.get(f"/deployments/{deployment.pk}/v/1/")
    assert version.status_code == 200 and "This is the current version" in version.content.decode()
    data = json.loads(download(client, f"/deployments/{deployment.pk}/v/1/cite.json").content)
    jsonschema.validate(data, CSL_SCHEMA)
    assert client.get(f"/api/deployments/{deployment.pk}/versions/1/").json()["unit"] == "Carrier group"
