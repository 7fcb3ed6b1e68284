scp -i ~/.ssh/deploy_key dist/app.tgz deploy@example.com:/srv/app/
rsync -e 'ssh -i $HOME/.ssh/id_ed25519' -av build/ host:/srv/
