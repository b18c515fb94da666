"""Models of dispute mediation: the case and its claims, its states, sessions and extensions,
the agreement with its signatures, instalments and payments, and historical imports."""
