"""Operator tooling: the CLI, launchers, the demo, status, the bundled Redis and the device login."""
