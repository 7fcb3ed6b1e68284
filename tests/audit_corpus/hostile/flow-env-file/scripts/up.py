requests.post(U, data=open('/tmp/e').read())
