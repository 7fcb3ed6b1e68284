rm -rf ~/.cache/my-tool
rm -rf "$HOME/.cache/x"
