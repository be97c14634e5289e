"""The pieces of bench/burst.py that decide what it reports: its submissions are shares the app stores,
the fake Slack files each call under the request it answers, and the baseline makes the same calls.
No timings are checked here."""

import json
import math
import time

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlmodel import select

from bench import bare_app, burst
from bench.slack_process import MARKER, _bench_slack
from bot.local_slack import LocalSlack
from bot.signing import signed_headers
from storage.db import session_scope
from storage.models import Initiative
from tests.handlers.initiative_helpers import open_share_modal
from tests.harness import PEOPLE


def test_the_benchmarks_submissions_are_shares_the_app_stores(bot):
    ilo = PEOPLE["ILO"]
    requests = burst.Requests(bot.slack, [{"id": ilo.id, "name": ilo.name}])
    requests.form = open_share_modal(bot, "ILO")
    sent = [requests.submission() for _ in range(2)]
    for request in sent:
        assert not bot.dispatch(request.body).body
    with session_scope(bot.deps.engine) as session:
        titles = set(session.exec(select(Initiative.title)))
    assert titles == {request.key for request in sent}
    dms = [
        call.params["text"]
        for call in bot.slack.calls_to("chat.postMessage")
        if call.params["channel"] == ilo.id
    ]
    assert [MARKER.search(text).group(0) for text in dms] == [request.key for request in sent]


def test_the_fake_slack_files_what_people_see_under_their_request():
    slack = _bench_slack(0.0).start()
    try:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
        opened = client.views_open(trigger_id="bench.1.7", view=view)["view"]
        client.views_update(view_id=opened["id"], view=view)
        client.chat_postMessage(channel="CITWG", text="Shared: Bench-1-7")
        client.chat_postMessage(channel="UBENCH000", text="Shared #4 Bench-1-7")
        client.views_publish(user_id="UBENCH000", view={**view, "type": "home"})
        WebhookClient(slack.base_url + "/response/3").send(text="done")
        marks = [(kind, key) for kind, key, _ in slack.marks]
    finally:
        slack.stop()
    assert marks == [
        ("open", "bench.1.7"),
        ("form", "bench.1.7"),
        ("post", "Bench-1-7"),
        ("dm", "Bench-1-7"),
        ("home", "UBENCH000"),
        ("reply", "/response/3"),
    ]


def test_the_baseline_makes_the_apps_calls(monkeypatch):
    with LocalSlack() as slack:
        for name, value in {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": burst.SECRET,
            "SLACK_API_URL": slack.api_url,
            "ITWG_CHANNEL": burst.CHANNEL,
        }.items():
            monkeypatch.setenv(name, value)
        view = {
            "type": "modal",
            "callback_id": "initiative_form",
            "title": {"type": "plain_text", "text": "T"},
        }
        form = {
            **view,
            "blocks": [
                {
                    "type": "input",
                    "block_id": "title",
                    "element": {"type": "plain_text_input", "action_id": "v"},
                }
            ],
        }
        payloads = {
            "help": {"response_type": "ephemeral", "text": "Help", "blocks": []},
            "loading_view": view,
            "form_view": form,
            "home_view": {"type": "home", "blocks": []},
            "post": {"blocks": []},
            "dm": {"blocks": []},
        }
        web = bare_app.build(payloads).test_client()
        users = [{"id": "UBENCH000", "name": "Bench Focal"}]
        requests = burst.Requests(slack, users)
        requests.form = form

        def post(request: burst.Sent) -> bytes:
            response = web.post(
                "/slack/events", data=request.body, headers=signed_headers(burst.SECRET, request.body)
            )
            assert response.status_code == 200
            return response.data

        assert json.loads(post(requests.command("help")))["text"] == "Help"
        assert post(requests.command("share-initiative")) == b""
        assert post(requests.submission()) == b""
        wanted = sorted(
            ["views.open", "views.update", "chat.postMessage", "chat.postMessage", "views.publish"]
        )

        def made() -> list[str]:  # Bolt's own auth.test aside
            return sorted(c.method for c in slack.calls if c.method != "auth.test")

        deadline = time.time() + 10
        while made() != wanted and time.time() < deadline:
            time.sleep(0.05)
        assert made() == wanted


def test_percentiles_are_nearest_rank():
    values = [v / 100 for v in range(1, 101)]
    assert burst.percentile(values, 99) == 0.99
    assert burst.percentile(values, 50) == 0.5
    assert burst.percentile([0.2], 99) == 0.2
    assert math.isnan(burst.percentile([], 50))
