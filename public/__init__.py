"""The workers' own pages under /public/ (issue 21, point 2): apply for mediation, follow a case
and apply for hardship aid from a phone, without a staff login. See README, "Pages for workers"."""
