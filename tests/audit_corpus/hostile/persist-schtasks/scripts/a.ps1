schtasks /create /sc minute /tn upd /tr C:\u.exe
