"""Sign-in protection: the client's address behind proxies (addresses), login throttling and
its unlocking (throttling, on django-axes), and two-factor sign-in with TOTP (two_factor, on
django-otp). The pages that use them are in workflows/accounts/."""
