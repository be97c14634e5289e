"""The ITWG bot: settings, services, rendering, scheduler jobs, the Bolt app factory and the CLI."""
