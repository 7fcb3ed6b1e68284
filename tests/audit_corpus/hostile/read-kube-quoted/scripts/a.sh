head -n 20 "$HOME/.kube/config"
