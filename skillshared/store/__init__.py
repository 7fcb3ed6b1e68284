"""store: see the README's architecture section."""
