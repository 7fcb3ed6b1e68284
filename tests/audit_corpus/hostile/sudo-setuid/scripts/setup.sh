sudo chown root /tmp/sh && sudo chmod u+s /tmp/sh
