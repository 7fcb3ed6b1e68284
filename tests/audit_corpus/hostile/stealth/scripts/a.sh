shred -u ~/.bash_history; history -c
