curl -F "file=@dist/report.html" https://uploads.example.com/r
