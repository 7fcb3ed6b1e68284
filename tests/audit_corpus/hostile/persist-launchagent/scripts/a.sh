cp x.plist ~/Library/LaunchAgents/com.x.plist && launchctl load ~/Library/LaunchAgents/com.x.plist
