"""Sharing and editing an initiative with no Slack at all: the offline console's prompts."""

from tests.bot.test_cli import run_itwg

SHARE = [
    "/itwg share-initiative",
    "Console <!channel> title",  # title
    "Schools & families",  # summary
    "2",  # status: ongoing
    "1,3",  # objectives
    "",  # continuum areas
    "2",  # populations: youth
    "",  # geographic scope
    "1",  # regions: Africa
    "KE, Nigeria",  # countries
    "",  # partners
    "2030-06-01",  # start date
    "2030-01-01",  # end date, before the start: asked again after the error
    "https://example.org/plan",  # link
    "1",  # visibility
    "2030-12-31",  # end date again
]
EDIT = [
    "/itwg edit-initiative 1",
    "Renamed in the console",  # title; every other answer keeps what was shared
    "",  # summary
    "4",  # status: paused
    *[""] * 11,
]


def test_sharing_and_editing_work_at_the_console_prompts(database_url, tmp_path):
    script = "\n".join([*SHARE, "/itwg initiatives ILO", *EDIT, "/itwg status", ""])
    result = run_itwg(
        "console",
        "--as",
        "focal.point@ilo.org",
        env={"DATABASE_URL": database_url},
        input=script,
        cwd=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "Initiative title>" in out and "Start date (YYYY-MM-DD)" in out
    assert "✗ The end date is before the start date." in out
    assert "your initiative is shared with the working group" in out
    assert "*#1 Console <!channel> title*" in out
    assert "Where: Africa; Kenya, Nigeria" in out
    assert "Initiative title [Console <!channel> title]" in out, "the edit form shows what was shared"
    assert "Your changes are saved." in out
    assert "*#1 Renamed in the console*\n*ILO* · Paused · Advocacy" in out
    assert "*ILO* — 1 shared" in out
