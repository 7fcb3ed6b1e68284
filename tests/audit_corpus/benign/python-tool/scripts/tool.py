import os

TOKEN = os.environ['API_TOKEN']
