"""Routes of the public registry: thin, like Slack listeners (parse → service → render → respond).

Repeat visits are cheap: list-shaped answers (page, JSON, CSV) carry an ETag and Last-Modified
computed from one small query, so a conditional request gets its 304 before anything is rendered.
"""

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request
from werkzeug.exceptions import HTTPException

from bot import spreadsheet, vocabulary
from bot.deps import Deps
from bot.registry import service
from bot.registry.query import BadQuery
from bot.registry.rendering import render

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Caches may keep a copy but must ask again each time, so an initiative made working-group-only
# disappears from every copy at the next visit.
CACHE_CONTROL = "public, no-cache"
LARGEST_ID = 2**31 - 1
CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "summary",
    "status",
    "lead_organisation",
    "partner_organisations",
    "objectives",
    "continuum",
    "populations",
    "global",
    "regions",
    "countries",
    "start_date",
    "end_date",
    "link",
    "updated_at",
)
HERE = Path(__file__).parent
# Part of every ETag and of asset URLs, so a new release never serves a page built by the old one.
RELEASE = service.etag_for(
    *(
        path.read_bytes()
        for path in sorted(HERE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    )
)[:12]


def create_blueprint(deps: Deps) -> Blueprint:
    memo = service.OverviewMemo()
    registry = Blueprint("registry", __name__, static_folder="static", static_url_path="/registry/static")

    @registry.get("/registry")
    def listing_page():
        query, fingerprint, organisations = service.check(deps, request.args)
        etag = service.etag_for(RELEASE, "html", sorted(query.params.items()), query.page, fingerprint)
        if _not_modified(etag, fingerprint.last_modified):
            return _not_modified_response(etag, fingerprint.last_modified)
        listing = service.listing(deps, query, fingerprint, organisations, memo=memo)
        html = render(
            "registry.html",
            listing=listing,
            objective_bars=service.bars(listing.overview.by_objective, vocabulary.OBJECTIVES),
            population_bars=service.bars(listing.overview.by_population, vocabulary.POPULATIONS),
            organisation_counts=service.organisation_counts(listing),
            page_url=_page_url("/registry", query.params),
            download_url=_download_url(query.params),
            release=RELEASE,
        )
        return _cacheable(Response(html, mimetype="text/html"), etag, fingerprint.last_modified)

    @registry.get("/registry.json")
    def listing_json():
        query, fingerprint, organisations = service.check(deps, request.args)
        etag = service.etag_for(RELEASE, "json", sorted(query.params.items()), query.page, fingerprint)
        if _not_modified(etag, fingerprint.last_modified):
            return _not_modified_response(etag, fingerprint.last_modified)
        listing = service.listing(deps, query, fingerprint, organisations, memo=None)
        page_url = _page_url(request.host_url + "registry.json", query.params)
        body = {
            "initiatives": [
                service.as_record(entry, organisations, request.host_url) for entry in listing.entries
            ],
            "page": query.page,
            "per_page": service.PER_PAGE,
            "pages": listing.pages,
            "total": listing.total,
            "next": page_url(query.page + 1) if query.page < listing.pages else None,
            "previous": page_url(query.page - 1) if query.page > 1 else None,
            "filters": query.params,
        }
        response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")
        return _cacheable(response, etag, fingerprint.last_modified)

    @registry.get("/registry.csv")
    def listing_csv():
        query, fingerprint, organisations = service.check(deps, {**request.args, "page": ""})
        etag = service.etag_for(RELEASE, "csv", sorted(query.params.items()), fingerprint)
        if _not_modified(etag, fingerprint.last_modified):
            return _not_modified_response(etag, fingerprint.last_modified)
        rows = (
            _csv_row(service.as_record(entry, organisations, request.host_url))
            for batch in service.everything(deps, query.filters)
            for entry in batch
        )
        response = Response(spreadsheet.to_csv(CSV_COLUMNS, rows), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="itwg-registry.csv"'
        return _cacheable(response, etag, fingerprint.last_modified)

    @registry.get("/registry/initiatives/<int:initiative_id>")
    def initiative_page(initiative_id: int):
        found = service.initiative(deps, initiative_id) if initiative_id <= LARGEST_ID else None
        if found is None:
            abort(404)
        entry, organisations = found
        html = render("initiative.html", entry=entry, organisations=organisations, release=RELEASE)
        return _cacheable_by_body(Response(html, mimetype="text/html"), entry.initiative.updated_at)

    @registry.get("/registry/meetings")
    def meetings_page():
        meetings = service.upcoming_meetings(deps)
        html = render("meetings.html", meetings=meetings, release=RELEASE)
        # No Last-Modified: the list also changes when a meeting ends, which no row records.
        return _cacheable_by_body(Response(html, mimetype="text/html"), None)

    @registry.get("/registry/meetings/<int:meeting_id>")
    def minutes_page(meeting_id: int):
        found = service.public_minutes(deps, meeting_id) if meeting_id <= LARGEST_ID else None
        if found is None:
            abort(404)
        meeting, minutes, decisions = found
        html = render("minutes.html", meeting=meeting, minutes=minutes, decisions=decisions, release=RELEASE)
        return _cacheable_by_body(Response(html, mimetype="text/html"), minutes.published_at)

    @registry.errorhandler(BadQuery)
    def bad_query(error: BadQuery):
        return _error_response(400, "That query cannot be answered", str(error))

    @registry.app_errorhandler(404)
    def not_found(error: HTTPException):
        if not _is_registry_path():
            return error
        return _error_response(404, "Not found", "There is no shareable initiative or page at this address.")

    @registry.after_app_request
    def security_headers(response: Response) -> Response:
        if _is_registry_path():
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    return registry


def _is_registry_path() -> bool:
    return request.path == "/registry" or request.path.startswith(("/registry/", "/registry."))


def _error_response(status: int, title: str, message: str) -> Response:
    if request.path.endswith(".json"):
        return Response(json.dumps({"error": message}), status=status, mimetype="application/json")
    if request.path.endswith(".csv"):
        return Response(message + "\n", status=status, mimetype="text/plain")
    html = render("error.html", status=status, title=title, message=message, release=RELEASE)
    return Response(html, status=status, mimetype="text/html")


def _page_url(path: str, params: dict[str, str]) -> Callable[[int], str]:
    def url(page: int) -> str:
        query = {**params, **({"page": str(page)} if page > 1 else {})}
        return f"{path}?{urlencode(query)}" if query else path

    return url


def _download_url(params: dict[str, str]) -> Callable[[str], str]:
    def url(extension: str) -> str:
        return f"/registry.{extension}?{urlencode(params)}" if params else f"/registry.{extension}"

    return url


def _not_modified(etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


def _not_modified_response(etag: str, last_modified: datetime | None) -> Response:
    return _cacheable(Response(status=304), etag, last_modified)


def _cacheable(response: Response, etag: str, last_modified: datetime | None) -> Response:
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _cacheable_by_body(response: Response, last_modified: datetime | None) -> Response:
    """Small pages: the ETag is the body's own digest, so it changes exactly when the page does."""
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Flatten a record for ``spreadsheet.to_csv``, which keeps formulas from running."""
    scope = record["scope"]
    return {
        **{
            name: record[name]
            for name in ("id", "url", "title", "summary", "status", "start_date", "end_date")
        },
        "lead_organisation": record["lead_organisation"]["acronym"],
        "partner_organisations": "; ".join(p["acronym"] for p in record["partner_organisations"]),
        "objectives": "; ".join(record["objectives"]),
        "continuum": "; ".join(record["continuum"]),
        "populations": "; ".join(record["populations"]),
        "global": "yes" if scope["global"] else "no",
        "regions": "; ".join(scope["regions"]),
        "countries": "; ".join(scope["countries"]),
        "link": record["link"],
        "updated_at": record["updated_at"],
    }
