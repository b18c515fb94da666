"""Browser tests of dispute mediation pages."""
