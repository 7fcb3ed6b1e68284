curl --netrc-file ~/.netrc https://api.example.com/v1/me
