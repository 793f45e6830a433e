"""``python -m kinship`` runs the command line."""

from kinship.cli import main

if __name__ == "__main__":
    main()
