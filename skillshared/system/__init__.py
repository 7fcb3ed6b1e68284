"""system: see the README's architecture section."""
