"""E-mail settings: the SMTP URL's forms, and e-mail off unless both the relay and From are set."""

import pytest

from bot.mail import OutgoingMail, SmtpServer, compose, parse_smtp_url
from bot.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://relay.example.org", SmtpServer("relay.example.org", 25, None, None, False, False)),
        (
            "smtp://bot%40un.org:p%40ss@relay.example.org:587?starttls=1",
            SmtpServer("relay.example.org", 587, "bot@un.org", "p@ss", False, True),
        ),
        ("smtps://u:p@relay.example.org", SmtpServer("relay.example.org", 465, "u", "p", True, False)),
    ],
)
def test_smtp_urls(url, server):
    assert parse_smtp_url(url) == server


def test_email_is_off_unless_both_relay_and_sender_are_set():
    assert not load_settings(_env_file=None).email_enabled
    assert not load_settings(_env_file=None, itwg_smtp_url="smtp://relay").email_enabled
    assert load_settings(_env_file=None, itwg_smtp_url="smtp://relay", itwg_mail_from="a@b.org").email_enabled


def test_a_malformed_smtp_url_names_the_variable():
    with pytest.raises(SettingsError, match="ITWG_SMTP_URL: must be like smtp://"):
        load_settings(_env_file=None, itwg_smtp_url="http://relay")


def test_a_subject_from_typed_text_stays_one_header_line():
    mail = OutgoingMail(to="a@ilo.org", subject="Item: first\nBcc: x@evil.org", text="t", unsubscribe_url="u")
    message = compose(mail, sender="bot@unodc.org")
    assert message["Subject"] == "Item: first Bcc: x@evil.org" and message["Bcc"] is None
