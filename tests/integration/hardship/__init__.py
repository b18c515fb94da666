"""The hardship procedure end to end: identification, correction, funds under concurrency."""
