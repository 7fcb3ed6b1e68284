print(open('config.json').read())
