"""Sign-in pages beyond viewflow's AuthViewset: the lockout page, two-factor verification and
enrolment (views), the organisation admin's locked-accounts page (lockouts), and the middleware
that holds a signed-in user at the second factor and marks personal pages no-store."""
