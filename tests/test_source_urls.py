"""Sources store and link only web addresses (http, https): the form, the model, the database and the pages."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tracker.curation.sources import SourceAdmin
from tracker.models import Source

pytestmark = pytest.mark.django_db

NOT_WEB = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "ftp://example.org/a", "data:,x"]
WEB = ["https://example.org/a", "http://example.org/a", "HTTPS://EXAMPLE.ORG/B"]


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_model_and_the_database_refuse_other_schemes(url):
    source = Source(outlet="O", title="T", url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict
    with pytest.raises(IntegrityError, match="source_url_http"), transaction.atomic():
        Source.objects.create(outlet="O", title="T", url=url)


@pytest.mark.parametrize("url", WEB)
def test_web_addresses_are_stored_and_linked(client, make_request, url):
    source = Source(outlet="O", title="Linked", url=url)
    source.full_clean()
    source.save()
    assert source.link == url
    request = make_request(published=True)
    request.citations.update(source=source)
    page = client.get(request.get_absolute_url()).content.decode()
    assert f'<a href="{url}" rel="noopener noreferrer">Linked</a>' in page


def test_the_admin_form_names_the_field(editor_client):
    response = editor_client.post(
        reverse("admin:tracker_source_add"),
        {"outlet": "O", "title": "T", "url": "ftp://example.org/x", "kind": "news", "reliability": "F"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [
        "Enter a web address starting with http:// or https:// (or leave it empty)."
    ]
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", NOT_WEB)
def test_nothing_but_a_web_address_is_ever_an_href(url):
    source = Source(outlet="O", title="T", url=url)  # as a row written before the check would be
    assert source.link == ""
    assert "href" not in str(SourceAdmin(Source, None).link(source))


def test_the_migration_moves_other_schemes_into_the_notes():
    migration = importlib.import_module("tracker.migrations.0010_source_url_http")
    with connection.cursor() as cursor:  # rows as they could be before 0008: bypass the check
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE tracker_source DROP CONSTRAINT source_url_http")  # undone with the test
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            bad = Source.objects.create(outlet="O", title="Bad", url="javascript:alert(1)", notes="Seen in 2024.")
            ftp = Source.objects.create(outlet="O", title="Ftp", url="ftp://example.org/f")
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    good = Source.objects.create(outlet="O", title="Good", url="https://example.org/g")
    migration.move_other_schemes_to_notes(apps, None)
    bad.refresh_from_db(), ftp.refresh_from_db(), good.refresh_from_db()
    assert (bad.url, ftp.url, good.url) == ("", "", "https://example.org/g")
    assert bad.notes == "Seen in 2024.\n\n" + migration.NOTE.format("javascript:alert(1)")
    assert ftp.notes == migration.NOTE.format("ftp://example.org/f")
