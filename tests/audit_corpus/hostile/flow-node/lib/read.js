const k = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8')
module.exports = k
