"""The offline console: the real App, a local stand-in for Slack, and a person at a prompt."""
