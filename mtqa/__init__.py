"""mtqa: find, repair and score corrupted spans in machine-translated bilingual text."""

__version__ = "0.1.0"
