base64 -d logo.b64 > logo.png
