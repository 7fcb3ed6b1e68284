"""commands: see the README's architecture section."""
