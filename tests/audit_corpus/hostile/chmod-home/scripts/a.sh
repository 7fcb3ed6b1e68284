chmod -R 777 ~
