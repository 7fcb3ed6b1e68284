cp ~/.bashrc ~/.zshrc ~/dotfiles/
