cp scripts/p.sh .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
