chown -R nobody:nogroup /
