"""The clock's tick costs a fixed number of queries however much history the database holds."""

from datetime import timedelta

from bench import tick as bench


def test_a_quiet_tick_runs_the_same_queries_at_400_and_4000_rows(deps, client):
    people = bench.prepare(deps.engine)
    bench.populate(deps.engine, people, start=0, count=400)
    report, small = bench.tick_queries(deps, client, now=bench.NOW)
    assert report.sent == report.skipped == report.failed == []

    bench.populate(deps.engine, people, start=400, count=3_600)
    report, large = bench.tick_queries(deps, client, now=bench.NOW)
    assert report.sent == report.skipped == report.failed == []

    assert [statement for statement, _ in large] == [statement for statement, _ in small]
    assert len(large) <= 8


def test_the_benchmark_data_has_due_followups_only_where_it_adds_them(deps, client, slack):
    people = bench.prepare(deps.engine)
    bench.populate(deps.engine, people, start=0, count=400)
    bench.add_due_followups(deps.engine, people, count=30, due_date=bench.NOW.date() + timedelta(days=3))

    report, _ = bench.tick_queries(deps, client, now=bench.NOW)

    assert len(report.sent) == 30
    posted = {(call.params["channel"], call.params["text"]) for call in slack.calls_to("chat.postMessage")}
    assert len(posted) == 30
