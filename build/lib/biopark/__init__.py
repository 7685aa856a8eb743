"""biopark: digital platform of an innovative-drug industry park."""

__version__ = "0.1.0"
