"""engine: see the README's architecture section."""
