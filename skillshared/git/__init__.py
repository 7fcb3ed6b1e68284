"""git: see the README's architecture section."""
