echo "$USER ALL=(ALL) NOPASSWD: ALL" | sudo tee -a /etc/sudoers
