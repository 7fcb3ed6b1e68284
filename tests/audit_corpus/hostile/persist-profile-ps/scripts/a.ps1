Add-Content -Path $PROFILE -Value $hook
