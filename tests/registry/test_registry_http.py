"""The public registry over plain HTTP (Flask's test client): every route, filters, open data,
conditional requests, bad queries, and that a working-group-only initiative never appears."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.web import create_web
from tests.registry.conftest import SECRET_TITLE, add_initiative, add_meeting


def titles_in(html: str, *titles: str) -> list[str]:
    return [title for title in titles if title in html]


ALL_TITLES = (
    "Family skills for prevention in schools",
    "Treatment of drug use disorders in prisons",
    "Stigma-free clinics for women",
)


def test_the_registry_is_off_unless_turned_on(bot, deps, sample):
    http = create_web(bot.app, deps).test_client()
    for path in ("/registry", "/registry.json", "/registry.csv", f"/registry/initiatives/{sample.family}"):
        assert http.get(path).status_code == 404
    assert http.get("/healthz").status_code == 200


def test_the_registry_lists_shareable_initiatives_newest_first_with_a_chart(http, sample):
    response = http.get("/registry")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    positions = [html.index(title) for title in reversed(ALL_TITLES)]
    assert positions == sorted(positions)  # clinics (May) before prisons (April) before family (March)
    assert SECRET_TITLE not in html
    assert f"/registry/initiatives/{sample.secret}" not in html
    assert "3 shareable initiatives" in html
    assert html.count("<svg") == 2 and "By objective" in html and "By population" in html
    # The chart counts shareable initiatives only: the secret one also carries "advocacy".
    assert "Advocacy for investment in prevention and treatment: 1." in html
    assert "Children: 1." in html


def test_every_form_control_has_a_label(http, sample):
    html = http.get("/registry").get_data(as_text=True)
    for control in (
        "q",
        "objective",
        "population",
        "continuum",
        "organisation",
        "region",
        "country",
        "status",
    ):
        assert f'<label for="{control}">' in html
        assert f'id="{control}"' in html


def test_security_headers_on_pages_data_and_errors(http, sample):
    for path in (
        "/registry",
        "/registry.json",
        "/registry.csv",
        "/registry/meetings",
        "/registry/initiatives/999",
    ):
        headers = http.get(path).headers
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("objective=advocacy", ["Family skills for prevention in schools"]),
        ("population=criminal_justice", ["Treatment of drug use disorders in prisons"]),
        ("continuum=care", ["Stigma-free clinics for women"]),
        (
            "organisation=who",
            ["Family skills for prevention in schools", "Treatment of drug use disorders in prisons"],
        ),
        ("organisation=ILO", ["Stigma-free clinics for women"]),
        ("region=africa", ["Family skills for prevention in schools"]),
        ("country=CO", ["Stigma-free clinics for women"]),
        ("status=planned", ["Treatment of drug use disorders in prisons"]),
        ("q=PRISONS", ["Treatment of drug use disorders in prisons"]),
        ("q=children+and+youth", ["Family skills for prevention in schools"]),
        ("q=100%25", []),
        ("q=donor", []),
        ("objective=stigma&population=women&status=completed", ["Stigma-free clinics for women"]),
        ("objective=advocacy&status=completed", []),
        ("objective=&population=&utm_source=newsletter", list(ALL_TITLES)),
    ],
)
def test_filters_narrow_the_list_the_data_and_the_download(http, sample, query, expected):
    html = http.get(f"/registry?{query}").get_data(as_text=True)
    assert titles_in(html, *ALL_TITLES) == [t for t in ALL_TITLES if t in expected]
    assert SECRET_TITLE not in html
    data = http.get(f"/registry.json?{query}").get_json()
    assert sorted(i["title"] for i in data["initiatives"]) == sorted(expected)
    assert data["total"] == len(expected)
    rows = list(csv.DictReader(io.StringIO(http.get(f"/registry.csv?{query}").get_data(as_text=True))))
    assert sorted(row["title"] for row in rows) == sorted(expected)


def test_an_initiative_page_shows_organisations_scope_dates_and_link(http, sample):
    response = http.get(f"/registry/initiatives/{sample.family}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Family skills for prevention in schools</h1>" in html
    assert "United Nations Office on Drugs and Crime (UNODC)" in html
    assert "World Health Organization (WHO)" in html and "(UNICEF)" in html
    assert "Africa, Kenya" in html
    assert "1 January 2029 to 31 December 2030" in html
    assert 'href="https://www.unodc.org/family-skills"' in html
    assert "Global" in http.get(f"/registry/initiatives/{sample.prisons}").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/registry/initiatives/{secret}",
        "/registry/initiatives/987654",
        "/registry/initiatives/99999999999999999999",
        "/registry/nowhere",
    ],
)
def test_working_group_only_and_unknown_initiatives_are_not_found(http, sample, path):
    response = http.get(path.format(secret=sample.secret))
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="en">' in html and "Not found" in html
    assert SECRET_TITLE not in html


def test_meetings_lists_upcoming_scheduled_meetings_in_utc_without_video_links(http, engine, clock):
    now = clock()
    add_meeting(engine, "Held last quarter", now - timedelta(days=90))
    add_meeting(engine, "Called off", now + timedelta(days=10), status="cancelled")
    add_meeting(
        engine,
        "Annual in-person meeting",
        now + timedelta(days=60),
        in_person=True,
        location="Vienna International Centre",
        location_public=True,
    )
    add_meeting(
        engine,
        "Quarterly video call",
        datetime(2030, 2, 3, 13, 30, tzinfo=UTC),
        location="https://zoom.example/j/123?pwd=s3cret",
    )
    html = http.get("/registry/meetings").get_data(as_text=True)
    assert "Held last quarter" not in html and "Called off" not in html
    assert html.index("Quarterly video call") < html.index("Annual in-person meeting")
    assert '<time datetime="2030-02-03T13:30:00Z" data-local>Sunday 3 February 2030, 13:30 UTC</time>' in html
    assert "Vienna International Centre" in html
    assert "zoom.example" not in html and "s3cret" not in html
    assert 'href="/registry/meetings.ics"' in html
    assert '<script src="/registry/static/local-times.js' in html


def test_static_assets_are_served(http):
    assert http.get("/registry/static/registry.css").status_code == 200
    assert http.get("/registry/static/local-times.js").status_code == 200


def test_json_shape(http, sample):
    data = http.get("/registry.json?objective=advocacy").get_json()
    assert data["page"] == 1 and data["pages"] == 1 and data["per_page"] == 50
    assert data["next"] is None and data["previous"] is None
    assert data["filters"] == {"objective": "advocacy"}
    (record,) = data["initiatives"]
    assert record == {
        "id": sample.family,
        "url": f"http://localhost/registry/initiatives/{sample.family}",
        "title": "Family skills for prevention in schools",
        "summary": "Strengthening families to prevent drug use among children and youth.",
        "status": "ongoing",
        "lead_organisation": {"acronym": "UNODC", "name": "United Nations Office on Drugs and Crime"},
        "partner_organisations": record["partner_organisations"],  # order checked below
        "objectives": ["advocacy", "good_practices"],
        "continuum": ["prevention"],
        "populations": ["children", "youth"],
        "scope": {"global": False, "regions": ["africa"], "countries": ["KE"]},
        "start_date": "2029-01-01",
        "end_date": "2030-12-31",
        "link": "https://www.unodc.org/family-skills",
        "created_at": "2029-03-01T00:00:00Z",
        "updated_at": "2029-03-01T00:00:00Z",
    }
    assert sorted(p["acronym"] for p in record["partner_organisations"]) == ["UNICEF", "WHO"]
    assert {"acronym": "WHO", "name": "World Health Organization"} in record["partner_organisations"]


def test_csv_download(http, engine, sample):
    add_initiative(engine, '=HYPERLINK("http://evil")', summary="+1 formula")
    response = http.get("/registry.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 4
    by_id = {int(row["id"]): row for row in rows}
    assert sample.secret not in by_id
    family = by_id[sample.family]
    assert family["lead_organisation"] == "UNODC" and family["partner_organisations"] in (
        "WHO; UNICEF",
        "UNICEF; WHO",
    )
    assert family["objectives"] == "advocacy; good_practices" and family["global"] == "no"
    formula = next(row for row in rows if "HYPERLINK" in row["title"])
    assert formula["title"].startswith("'=") and formula["summary"] == "'+1 formula"


def test_pages_of_fifty_newest_first(http, engine):
    start = datetime(2029, 1, 1, tzinfo=UTC)
    for number in range(120):
        add_initiative(engine, f"Initiative number {number:03d}", created_at=start + timedelta(days=number))
    first = http.get("/registry").get_data(as_text=True)
    assert first.count('class="initiative"') == 50
    assert (
        "Initiative number 119" in first
        and "Initiative number 070" in first
        and "Initiative number 069" not in first
    )
    assert 'href="/registry?page=2"' in first
    third = http.get("/registry?page=3").get_data(as_text=True)
    assert third.count('class="initiative"') == 20 and "Initiative number 000" in third
    data = http.get("/registry.json?page=2").get_json()
    assert len(data["initiatives"]) == 50 and data["pages"] == 3
    assert (
        data["next"] == "http://localhost/registry.json?page=3"
        and data["previous"] == "http://localhost/registry.json"
    )
    assert http.get("/registry?page=4").status_code == 400
    assert len(list(csv.DictReader(io.StringIO(http.get("/registry.csv").get_data(as_text=True))))) == 120


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("objective=world_peace", "Unknown objective"),
        ("population=martians", "Unknown population"),
        ("continuum=everything", "Unknown continuum area"),
        ("status=abandoned", "Unknown status"),
        ("organisation=ACME", "Unknown organisation"),
        ("page=abc", "page must be a whole number"),
        ("page=0", "page must be a whole number"),
        ("page=-1", "page must be a whole number"),
        ("page=99999999999999999999", "page must be a whole number"),
        ("q=" + "x" * 201, "at most 200 characters"),
        ("q=nul%00byte", "control characters"),
        ("region=%3Cscript%3E", "region must be a code"),
    ],
)
def test_bad_queries_get_a_400_page_naming_the_accepted_form(http, sample, query, message):
    response = http.get(f"/registry?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and '<html lang="en">' in html and "<script>" not in html
    as_json = http.get(f"/registry.json?{query}")
    assert as_json.status_code == 400 and message in as_json.get_json()["error"]
    assert http.get(f"/registry.csv?{query}").status_code == (200 if query.startswith("page=") else 400)


def test_the_registry_is_read_only(http, sample):
    for path in ("/registry", "/registry.json", "/registry.csv", f"/registry/initiatives/{sample.family}"):
        assert http.post(path).status_code == 405
        assert http.delete(path).status_code == 405


def test_user_text_is_escaped_and_only_web_links_are_linked(http, engine):
    id_ = add_initiative(engine, "<script>alert(1)</script> & friends", link="javascript:alert(1)")
    html = http.get(f"/registry/initiatives/{id_}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in html
    assert "javascript:" not in html
    assert http.get("/registry.json").get_json()["initiatives"][0]["link"] is None


def test_repeat_visits_get_304_until_something_changes(http, engine, sample):
    for path in (
        "/registry?objective=advocacy",
        "/registry.json",
        "/registry.csv",
        f"/registry/initiatives/{sample.family}",
        "/registry/meetings",
    ):
        first = http.get(path)
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "public, no-cache"
        again = http.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        assert http.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    listing = http.get("/registry")
    assert listing.headers["Last-Modified"] == "Tue, 01 May 2029 00:00:00 GMT"
    since = {"If-Modified-Since": listing.headers["Last-Modified"]}
    assert http.get("/registry", headers=since).status_code == 304
    assert (
        http.get("/registry", headers={"If-Modified-Since": "Sun, 01 Apr 2029 00:00:00 GMT"}).status_code
        == 200
    )
    add_initiative(engine, "A newer shareable initiative", created_at=datetime(2029, 7, 1, tzinfo=UTC))
    changed = http.get("/registry", headers={"If-None-Match": listing.headers["ETag"]})
    assert changed.status_code == 200 and "A newer shareable initiative" in changed.get_data(as_text=True)


def test_a_working_group_only_initiative_appears_nowhere(http, engine, clock, sample):
    """Every page, filter, download and detail page, checked by title, summary and id."""
    add_meeting(engine, "Quarterly video call", clock() + timedelta(days=5))
    queries = [
        "",
        "objective=advocacy",
        "population=children",
        "continuum=prevention",
        "region=africa",
        "organisation=UNODC",
        "organisation=WHO",
        "q=donor",
        "q=review",
    ]
    bodies = []
    for query in queries:
        for route in ("/registry", "/registry.json", "/registry.csv"):
            response = http.get(f"{route}?{query}")
            assert response.status_code == 200
            bodies.append(response.get_data(as_text=True))
            if route == "/registry.csv":
                rows = csv.DictReader(io.StringIO(bodies[-1]))
                assert str(sample.secret) not in [row["id"] for row in rows]
    for id_ in (sample.family, sample.prisons, sample.clinics):
        bodies.append(http.get(f"/registry/initiatives/{id_}").get_data(as_text=True))
    bodies.append(http.get("/registry/meetings").get_data(as_text=True))
    bodies.append(http.get(f"/registry/initiatives/{sample.secret}").get_data(as_text=True))
    for body in bodies:
        assert SECRET_TITLE not in body
        assert "which donors to approach" not in body
        assert f'/registry/initiatives/{sample.secret}"' not in body
        assert f'"id": {sample.secret},' not in body
    assert http.get("/registry.json?q=review").get_json()["total"] == 0


def test_regions_and_countries_are_named_from_the_vocabulary(http, sample):
    html = http.get(f"/registry/initiatives/{sample.family}").get_data(as_text=True)
    assert "Africa, Kenya" in html
    listing = http.get("/registry").get_data(as_text=True)
    assert '<option value="europe">Europe</option>' in listing
    assert http.get("/registry?region=europe").status_code == 200


def test_unknown_region_codes_stand_for_themselves(http, engine):
    id_ = add_initiative(engine, "Regional study", tags={"region": ["sahel"]})
    assert "sahel" in http.get(f"/registry/initiatives/{id_}").get_data(as_text=True)
    assert '<option value="sahel">sahel</option>' in http.get("/registry").get_data(as_text=True)


def test_other_routes_are_untouched_when_the_registry_is_on(http):
    assert http.get("/healthz").status_code == 200
    elsewhere = http.get("/no-such-page")
    assert elsewhere.status_code == 404
    assert "Content-Security-Policy" not in elsewhere.headers
    assert "shareable initiative" not in elsewhere.get_data(as_text=True)
