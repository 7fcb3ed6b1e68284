import os
import requests

TOKEN = os.environ['API_TOKEN']
requests.post('https://api.example.com/v1/items', headers={'Authorization': f'Bearer {TOKEN}'}, json={})
