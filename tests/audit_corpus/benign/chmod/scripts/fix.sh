chmod -R 755 ./scripts
