"""The admin's index (and sidebar) puts a curator's daily work first, with its ways in (New from article, Import a
file), reference tables next, accounts, login throttling and jobs last; every table a user may see is still on it.
And the deployments list says where in one column (so it fits 1366 px)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def sections(client):
    """[(caption, [row names])] of the index, in its order."""
    html = client.get("/admin/").content.decode()
    found = []
    for caption, body in re.findall(r"<caption>(.*?)</caption>(.*?)</table>", html, re.S):
        rows = re.findall(r'<th scope="row"[^>]*>\s*<a href="[^"]*"[^>]*>([^<]+)</a>', body)
        found.append((caption.strip(), rows))
    return found


def test_the_editor_sees_the_daily_work_first_and_the_housekeeping_last(editor_client):
    found = sections(editor_client)
    captions = [caption for caption, _ in found]
    assert captions[0] == "Daily work" and captions[-1] == "Accounts, logins and jobs"
    assert captions.index("Reference tables") < captions.index("Accounts, logins and jobs")
    daily = found[0][1]
    assert daily[:6] == ["New from article", "Import a file", "Arms requests", "Deployments", "Sources", "Readings"]
    reference = dict(found)["Reference tables"]
    assert reference == ["Countries", "Equipment types", "Systems", "People"]
    html = editor_client.get("/admin/").content.decode()
    assert 'href="/admin/tracker/importrun/upload/"' in html and 'href="/admin/tracker/reading/add/"' in html
    assert "Access attempts" not in html  # an editor manages no logins


def test_nothing_is_hidden_and_housekeeping_is_last_for_a_superuser(client):
    client.force_login(User.objects.create_superuser("root", "", "pw-for-tests-only"))
    found = sections(client)
    last_caption, last = found[-1]
    assert last_caption == "Accounts, logins and jobs"
    assert {"Users", "Groups", "Access attempts", "Jobs", "Import runs"} <= set(last)
    listed = [name for _, rows in found for name in rows]
    assert len(listed) == len(set(listed)), "a table listed twice"
    # Every table Django's own app list would show is somewhere on the page.
    request = client.get("/admin/").wsgi_request
    everything = {m["name"] for app in admin.site.get_app_list(request) for m in app["models"]}
    assert everything <= set(listed)


def test_a_viewer_gets_no_ways_in_that_write(viewer_client):
    found = sections(viewer_client)
    rows = [name for _, names in found for name in names]
    assert "Arms requests" in rows
    assert "New from article" not in rows and "Import a file" not in rows
    assert viewer_client.get("/admin/tracker/importrun/upload/").status_code == 403


def test_every_page_s_sidebar_has_the_index_s_order(editor_client):
    html = editor_client.get("/admin/tracker/deployment/").content.decode()
    sidebar = html[html.index('id="nav-sidebar"') :]
    captions = re.findall(r"<caption>(.*?)</caption>", sidebar)
    assert captions[0] == "Daily work" and captions[-1] == "Accounts, logins and jobs"
    assert sidebar.index("Import a file") < sidebar.index("Deployments") < sidebar.index("Countries")
    assert 'aria-current="page">Deployments</a>' in sidebar  # the page's own table is marked, as Django does


def test_the_deployments_list_says_where_in_one_column(editor_client, make_deployment, countries):
    # One column for region, location and host country, so the list's last column (citations) fits 1366 px.
    make_deployment(location="Tartus", host_country=countries["BY"], description="radars")
    make_deployment(description="ships")  # the fixture's region, Caribbean
    html = editor_client.get("/admin/tracker/deployment/").content.decode()
    cells = re.findall(r'<td class="field-where">([^<]*)</td>', html)
    assert sorted(cells) == ["Caribbean", "Tartus (Belarus)"]
    assert "column-region" not in html and "column-host_country" not in html
