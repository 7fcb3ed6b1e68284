"""catalog: see the README's architecture section."""
