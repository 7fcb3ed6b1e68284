const data = JSON.parse(fs.readFileSync('data.json'))
