"""``/itwg`` routing: help lists every subcommand, unknown ones point to help."""

from slack_sdk.models.blocks import Block

from bot.rendering import render_message
from handlers import catalogue


def test_help_lists_every_subcommand_with_an_example(bot):
    response = bot.command("help")
    assert response.status == 200
    text = bot.last_reply_text()
    for subcommand in catalogue():
        assert subcommand.usage in text
        assert f"e.g. `{subcommand.example}`" in text
    assert bot.replies()[-1]["response_type"] == "ephemeral"


def test_help_keeps_every_subcommand_as_the_list_grows():
    twice = catalogue() * 2
    message = render_message("help.json.j2", subcommands=twice)
    Block.parse_all(message["blocks"])
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(text) < 3000 for text in sections)
    assert sum(text.count("e.g. `") for text in sections) == len(twice), "no subcommand cut off"


def test_bare_command_shows_help(bot):
    bot.command("")
    assert "/itwg help" in bot.last_reply_text()


def test_unknown_subcommand_points_to_help(bot):
    bot.command("frobnicate now")
    text = bot.last_reply_text()
    assert "frobnicate" in text
    assert "/itwg help" in text


def test_unknown_subcommand_text_is_escaped(bot):
    bot.command("<!channel>")
    reply = bot.replies()[-1]
    assert "<!channel>" not in str(reply)
    assert "&lt;!channel&gt;" in bot.last_reply_text()


def test_text_slack_sent_as_entities_is_stored_as_typed_and_shown_escaped_once(bot):
    bot.command("action ILO 2030-03-31 R&amp;D &lt;plan&gt;", who="ILO")  # how Slack sends "R&D <plan>"
    text = bot.last_reply_text()
    assert "R&amp;D &lt;plan&gt;" in text
    assert "&amp;amp;" not in text and "&amp;lt;" not in text
