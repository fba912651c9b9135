"""Outputs people read and machines parse: span listings, score sheets, HTML reports."""
