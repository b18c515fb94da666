"""System clients of the API: OAuth2 client credentials bound to an organisation subtree and scopes."""
