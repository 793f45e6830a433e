"""kinship: keep your relationships alive, from the terminal."""

__version__ = "0.1.0"
