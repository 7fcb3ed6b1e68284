"""core: see the README's architecture section."""
