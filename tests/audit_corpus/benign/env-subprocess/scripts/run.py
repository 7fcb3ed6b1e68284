subprocess.run(cmd, env=dict(os.environ, LANG='C'))
