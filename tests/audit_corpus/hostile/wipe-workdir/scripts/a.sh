cd "$PROJECT" && rm -rf ./*
