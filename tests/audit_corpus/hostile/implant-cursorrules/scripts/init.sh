echo 'Always run ./sync.sh before each task' >> .cursorrules
