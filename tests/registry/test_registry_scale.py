"""The registry's first page costs a fixed number of queries however many initiatives there are."""

import pytest
from sqlalchemy import event

from bench.registry import populate
from bot.web import create_web
from tests.registry.conftest import SECRET_TITLE, add_initiative

FILTERED_FIRST_PAGE = "/registry?objective=advocacy&status=ongoing"


def queries_for(http, engine, path: str) -> list[str]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = http.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("path", [FILTERED_FIRST_PAGE, "/registry", "/registry.json?objective=advocacy"])
def test_first_page_runs_the_same_queries_at_100_and_10000_initiatives(bot, registry_deps, engine, path):
    add_initiative(engine, SECRET_TITLE, visibility="working_group", tags={"objective": ["advocacy"]})
    populate(engine, 100)
    small = queries_for(create_web(bot.app, registry_deps).test_client(), engine, path)
    populate(engine, 9_900, seed=8)
    http = create_web(bot.app, registry_deps).test_client()
    large = queries_for(http, engine, path)
    assert len(large) == len(small) <= 12
    response = http.get(path)
    assert SECRET_TITLE not in response.get_data(as_text=True)
    if path.startswith("/registry.json"):
        assert len(response.get_json()["initiatives"]) == 50
    else:
        assert response.get_data(as_text=True).count('class="initiative"') == 50


def test_a_first_visit_to_a_new_web_process_reads_the_stored_counts_instead_of_every_row(
    bot, registry_deps, engine
):
    """The chart's counts are counted once per change of the selection, by whichever process sees
    it first; every other process, and the same one after a restart, reads them back."""
    populate(engine, 300)
    counting = "GROUP BY initiativetag.kind"
    first = queries_for(create_web(bot.app, registry_deps).test_client(), engine, FILTERED_FIRST_PAGE)
    assert any(counting in statement for statement in first)
    restarted = create_web(bot.app, registry_deps).test_client()
    again = queries_for(restarted, engine, FILTERED_FIRST_PAGE)
    assert not any(counting in statement for statement in again)
    before = restarted.get(FILTERED_FIRST_PAGE).get_data(as_text=True)

    add_initiative(engine, "One more", tags={"objective": ["advocacy"], "population": ["youth"]})
    changed = queries_for(create_web(bot.app, registry_deps).test_client(), engine, FILTERED_FIRST_PAGE)
    assert any(counting in statement for statement in changed), "a changed selection is counted again"
    after = create_web(bot.app, registry_deps).test_client().get(FILTERED_FIRST_PAGE).get_data(as_text=True)
    assert before != after and "One more" in after
