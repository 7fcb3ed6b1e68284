cp agent.service ~/.config/systemd/user/agent.service
systemctl --user enable --now agent
