"""The API documentation page (the footer's 开放接口) loads everything from the site itself, so it
renders on an intranet or a network that reaches no outside host."""

import re

from django.contrib.staticfiles import finders

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_the_docs_page_loads_its_scripts_and_styles_from_the_site_itself(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    for asset in re.findall(r"""(?:src|href)\s*=\s*["']/static/([^"'?]+)""", page):
        assert finders.find(asset), f"{asset} is not among the site's static files"


def test_the_docs_page_is_fed_by_the_schema_it_names(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/openapi.json" in page
    assert client.get("/api/v1/openapi.json").status_code == 200
