"""The civil-affairs department's data: reading its file (file), importing it (imports) and
linking its records to the workers on file (links)."""
