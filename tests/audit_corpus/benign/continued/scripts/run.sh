docker run --rm \
  -v "$PWD:/app" \
  -e TOKEN \
  example/image:1
