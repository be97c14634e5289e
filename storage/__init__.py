"""Persistence: SQLModel tables, engine and sessions, repositories, migrations. Knows nothing of Slack."""
