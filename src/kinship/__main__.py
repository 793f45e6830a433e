"""``python -m kinship`` runs the command line."""

from kinship.cli import command

if __name__ == "__main__":
    command()
