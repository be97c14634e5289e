"""Countries as the United Nations name them, from maintained data rather than a table of our own.

``hdx-python-country`` ships UN OCHA's Countries & Territories Taxonomy: for each ISO 3166-1 code
the UNTERM short and formal names ("Viet Nam", "Republic of Korea", "Bolivia (Plurinational State
of)", "the State of Palestine"), the M49 names, the ISO names ("Korea, Republic of") and the names in
the UN's other official languages. It is read from the file in the package, never from the network.
The names of the time-zone database's ``iso3166.tab`` (``tzdata``), which the bot accepted before
("Korea (South)", "Turkey"), are still accepted. Initiatives store upper-case ISO alpha-2 codes and
show UN short names.
"""

import threading
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).upper()


_LOADING = threading.Lock()


@cache
def _loaded_taxonomy() -> Any:
    from hdx.location.country import Country

    Country.countriesdata(use_live=False)
    return Country


def _taxonomy() -> Any:
    """The package's ``Country`` with its tables loaded, on first use: importing takes a quarter of a
    second, which processes that never read a country (the clock, most commands) need not pay.

    Loaded whole under a lock: the package builds its tables in place, so a thread reading while
    another builds them gets wrong answers or errors, and the web server's first requests after a
    start come together."""
    with _LOADING:
        return _loaded_taxonomy()


@cache
def _time_zone_names() -> dict[str, str]:
    """ISO alpha-2 code → the time-zone database's short English name."""
    text = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: name for code, name in rows}


@cache
def _short_names() -> dict[str, str]:
    """ISO alpha-2 code → UN short name (the time-zone database's name where the UN has none)."""
    country = _taxonomy()
    iso2iso3 = country.countriesdata(use_live=False)["iso2iso3"]
    names = dict(_time_zone_names())
    for iso2 in (code for code in iso2iso3 if len(code) == 2):
        name = country.get_country_name_from_iso2(iso2, use_live=False)
        if name:
            names[iso2] = name
    return dict(sorted(names.items()))


@cache
def _time_zone_codes() -> dict[str, str]:
    return {_key(name): code for code, name in _time_zone_names().items()}


def code_of(text: str) -> str | None:
    """The ISO alpha-2 code that ``text`` names exactly (an alpha-2 or alpha-3 code, or any UN, ISO
    or time-zone database name, in any case), or None. Never a guess: "Niger" is not "Nigeria"."""
    key = _key(text)
    if not key:
        return None
    if len(key) == 2 and key in _short_names():
        return key
    iso3 = _taxonomy().get_iso3_country_code(key, use_live=False)
    if iso3 is not None:
        iso2 = _taxonomy().get_iso2_from_iso3(iso3, use_live=False)
        if iso2 in _short_names():
            return iso2
    return _time_zone_codes().get(key)


class _ShortNames(Mapping[str, str]):
    """ISO alpha-2 code → UN short name, loaded on first use (most processes never need it)."""

    def __getitem__(self, code: str) -> str:
        return _short_names()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_short_names())

    def __len__(self) -> int:
        return len(_short_names())


NAMES: Mapping[str, str] = _ShortNames()
