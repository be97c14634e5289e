"""Markup typed by a member never reaches Slack as markup: a whole working-group cycle with
``<!channel>``, ``<!here>``, ``<@U0EVIL>`` and ``<https://evil.example|click>`` in every field people
fill in, through commands, modals, the Home tab and the clock's tick, and every call the fake Slack
recorded is scanned."""

import json
from datetime import UTC, datetime
from typing import Any

from bot.slack_client import make_clock_client
from bot.tick import tick
from tests.harness import CHANNEL
from tests.reliability.forms import latest_form, state_values

INJECTION = "<!channel> <!here> <@U0EVIL> <https://evil.example|click> & more"
RAW = ("<!channel>", "<!here>", "<@U0EVIL>", "<https://evil.example", "<!everyone>")
ESCAPED = "&lt;!channel&gt; &lt;!here&gt; &lt;@U0EVIL&gt; &lt;https://evil.example|click&gt; &amp; more"
# Shown as typed, never parsed as mrkdwn: plain_text objects, input values, option and button values.
NOT_MRKDWN_KEYS = {"initial_value", "value", "private_metadata", "filename", "content", "files", "title"}
MEETING_AT = datetime(2030, 2, 20, 9, 0, tzinfo=UTC)  # 10:00 in Vienna


def mrkdwn_strings(node: Any, path: str = ""):
    """Every string in a payload that Slack would read as mrkdwn, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return
        for key, value in node.items():
            if key in NOT_MRKDWN_KEYS and not isinstance(value, dict | list):
                continue
            yield from mrkdwn_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from mrkdwn_strings(item, f"{path}[{index}]")
    elif isinstance(node, str):
        if node[:1] in "[{":  # views and blocks sent as JSON strings
            try:
                yield from mrkdwn_strings(json.loads(node), path)
                return
            except json.JSONDecodeError:
                pass
        yield path, node


def test_markup_in_every_user_field_reaches_slack_only_escaped(bot, settings):
    # Members fill every free-text field with markup.
    bot.command("join " + INJECTION, who="GUEST")
    bot.command("schedule", who="UNODC")
    schedule_form = latest_form(bot)
    schedule = {"date": "2030-02-20", "time": "10:00", "timezone": "Europe/Vienna", "location": INJECTION}
    bot.submit(
        schedule_form, state_values(schedule_form, {**schedule, "duration": "90", "options": []}), who="UNODC"
    )

    bot.command("share-initiative", who="ILO")
    share_form = latest_form(bot)
    share = {"title": INJECTION, "summary": INJECTION, "status": "ongoing", "objectives": ["advocacy"]}
    assert bot.submit(share_form, state_values(share_form, share), who="ILO").body in ("", None)
    bot.command("share-initiative", who="UNHCR")
    other = latest_form(bot)
    share_other = {**share, "title": "Advocacy " + INJECTION}
    bot.submit(other, state_values(other, share_other), who="UNHCR")

    bot.command("action", who="ILO")
    action_form = latest_form(bot)
    owner = next(b for b in action_form["blocks"] if b.get("block_id") == "owner")["element"][
        "initial_option"
    ]
    for due in ("2030-02-01", "2030-02-10"):
        item = {"title": INJECTION, "notes": INJECTION, "owner": owner["value"], "due": due}
        assert bot.submit(action_form, state_values(action_form, item), who="ILO").body in ("", None)
    bot.command("done 2 " + INJECTION, who="ILO")

    # Everything that shows those records, on request.
    for who, text in [
        ("ILO", "initiatives"),
        ("ILO", "initiatives ILO"),
        ("ILO", "actions all"),
        ("ILO", "actions mine"),
        ("ILO", "next"),
        ("ILO", "agenda"),
        ("ILO", "status"),
        ("WHO", "opportunities"),
        ("UNODC", "digest"),
        ("UNODC", "digest subscribe weekly monday 09:00"),
        ("ILO", "edit-initiative 1"),
        ("ILO", INJECTION),
    ]:
        bot.command(text, who=who)
    bot.event({"type": "app_home_opened", "user": "UILO00001", "tab": "home", "channel": "DHOME"})

    # The clock: action follow-ups, the weekly digest, the reminders and nudges, the agenda file.
    client = make_clock_client(settings)
    posted_before_tick = len(bot.slack.calls_to("chat.postMessage"))
    for moment in [
        datetime(2030, 1, 29, 8, 1, tzinfo=UTC),  # item due 1 Feb: due soon
        datetime(2030, 2, 2, 8, 1, tzinfo=UTC),  # now overdue
        datetime(2030, 2, 4, 8, 1, tzinfo=UTC),  # Monday 09:00 Vienna: the digest
        datetime(2030, 2, 6, 9, 1, tzinfo=UTC),  # 14 days before the meeting
        datetime(2030, 2, 13, 9, 1, tzinfo=UTC),  # 7 days: with the agenda
        datetime(2030, 2, 19, 9, 1, tzinfo=UTC),  # 1 day
        datetime(2030, 2, 20, 8, 1, tzinfo=UTC),  # 1 hour
    ]:
        bot.clock.set(moment)
        tick(bot.deps, client, now=moment)
    ticked = bot.slack.calls_to("chat.postMessage")[posted_before_tick:]
    assert len(ticked) >= 6, "the tick sent reminders, follow-ups and a digest"

    leaks = [
        (call.method, path, text)
        for call in bot.slack.calls
        for path, text in mrkdwn_strings(call.params)
        if any(raw in text for raw in RAW)
    ]
    assert leaks == []

    # The escaped text did reach Slack wherever the records are shown, so the scan above saw it.
    def shows(calls) -> bool:
        return any(ESCAPED in json.dumps(c.params, ensure_ascii=False) for c in calls)

    assert shows([c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL])
    assert shows(ticked), "reminders, follow-ups and digests carry the typed text escaped"
    assert shows(bot.slack.calls_to("views.publish")), "the Home tab"
    assert shows(bot.slack.calls_to("response_url")), "command replies"
    assert shows(bot.slack.calls_to("files.completeUploadExternal")), "the invite's announcement"
