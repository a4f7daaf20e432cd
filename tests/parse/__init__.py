"""The parsers (beskgraph.parse): catalogue cards, letters, publications, dates, citations; OCR noise and fuzzing."""
