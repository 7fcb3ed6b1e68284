#!/bin/sh
rsync -av -e 'ssh -i ~/.ssh/deploy_key' dist/ host:/srv/
