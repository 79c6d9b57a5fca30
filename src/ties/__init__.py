"""ties: a terminal-first relationship manager."""

__version__ = "0.1.0"
