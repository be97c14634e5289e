"""manifest.yml asks Slack for what the code relies on, and for no more."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = (ROOT / "manifest.yml").read_text()
CODE = "\n".join(
    path.read_text()
    for folder in ("bot", "handlers")
    for path in (ROOT / folder).rglob("*.py")
    if "local_slack" not in path.name
)


def test_mentions_in_commands_arrive_as_user_ids():
    assert re.search(r"^\s+should_escape: true$", MANIFEST, re.MULTILINE)


def test_the_message_shortcut_and_the_event_are_those_the_app_listens_for():
    assert "callback_id: create_action_item" in MANIFEST
    assert 'app.shortcut("create_action_item")' in CODE
    assert "- app_home_opened" in MANIFEST
    assert 'app.event("app_home_opened")' in CODE


def test_scopes_are_exactly_those_of_the_web_api_methods_called():
    called = set(re.findall(r"client\.([a-z]+_[A-Za-z0-9_]+)\(", CODE))
    needs = {
        "chat_postMessage": {"chat:write"},
        "chat_postEphemeral": {"chat:write"},
        "chat_delete": {"chat:write"},
        "chat_update": {"chat:write"},
        "chat_getPermalink": set(),
        "conversations_members": {"channels:read", "groups:read"},
        "conversations_open": {"im:write", "mpim:write"},
        "users_info": {"users:read", "users:read.email"},
        "files_upload_v2": {"files:write"},
        "views_open": set(),
        "views_update": set(),
        "views_publish": set(),
    }
    assert called <= needs.keys(), f"a Web API method this test does not know: {called - needs.keys()}"
    wanted = {"commands"}.union(*(needs[method] for method in called))
    scopes = set(
        re.findall(r"^\s+- ([a-z.:]+)$", MANIFEST.split("scopes:")[1].split("settings:")[0], re.MULTILINE)
    )
    assert scopes == wanted
