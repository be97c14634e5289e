"""Repositories: keyword-only functions that take a session and hold the SQL."""
