"""HTML for the public registry: its own jinja2 Environment, separate from the Slack one.

Slack's environment escapes for mrkdwn inside JSON; these pages need HTML escaping, so every
expression is autoescaped here and no template can opt a visitor-supplied value out of it.
"""

from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot import vocabulary
from bot.registry.service import region_labels, safe_link, scope_text
from storage.models import Organisation


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def utc_time(moment: datetime) -> str:
    """What visitors without JavaScript read; the page script rewrites it in their own timezone."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def iso_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def acronyms(organisation_ids: list[int], organisations: dict[int, Organisation]) -> str:
    return ", ".join(organisations[id_].acronym for id_ in organisation_ids if id_ in organisations)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.registry", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        acronyms=acronyms,
        long_date=long_date,
        utc_time=utc_time,
        iso_utc=iso_utc,
        safe_link=safe_link,
    )
    env.globals.update(
        OBJECTIVES=vocabulary.OBJECTIVES,
        POPULATIONS=vocabulary.POPULATIONS,
        CONTINUUM=vocabulary.CONTINUUM,
        STATUSES=vocabulary.INITIATIVE_STATUSES,
        region_labels=region_labels,
        scope_text=scope_text,
    )
    return env


def render(template_name: str, **context: Any) -> str:
    return environment().get_template(template_name).render(**context)
