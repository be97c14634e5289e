"""The ``itwg`` command as an operator meets it: configuration errors, migrate, the console."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_itwg(*args: str, env: dict[str, str] | None = None, input: str | None = None, cwd=None):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_URL", "PORT"))
    }
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**base, **(env or {})},
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_serve_without_signing_secret_names_the_variable_and_exits_2(tmp_path):
    result = run_itwg("serve", env={"SLACK_BOT_TOKEN": "xoxb-x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_settings_name_the_variable(tmp_path):
    for variable, value in [
        ("ITWG_TIMEZONE", "Mars/Olympus"),
        ("ITWG_TIMEZONE", "America/Argentina"),  # a directory of zones, not a zone
        ("PORT", "eighty"),
        ("ITWG_CHANNEL", "#itwg"),
        ("SLACK_API_URL", "slack.com"),
        ("DATABASE_URL", "not a url"),
    ]:
        result = run_itwg("migrate", env={variable: value}, cwd=tmp_path)
        assert result.returncode == 2, variable
        assert variable in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_migrate_twice_from_the_command_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    first = run_itwg("migrate", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "17 added" in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1, first.stderr
    second = run_itwg("migrate", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 added, 0 updated" in second.stderr


def test_console_answers_help_from_a_pipe_as_an_ilo_focal_point(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    result = run_itwg(
        "console",
        "--as",
        "focal.point@ilo.org",
        env=env,
        input="/itwg help\n/itwg whoami\n",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "/itwg join ORG" in result.stdout
    assert "You are recorded as *ILO* (Member)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
