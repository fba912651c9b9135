"""Detection rules, one module per kind. Importing this package registers them all."""

from mtqa.detect.rules import duplication, merge, mojibake, orphan, switch, truncation, untranslated

__all__ = ["duplication", "merge", "mojibake", "orphan", "switch", "truncation", "untranslated"]
