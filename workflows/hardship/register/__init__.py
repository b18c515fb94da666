"""Registering a household in hardship: the form and its page."""
