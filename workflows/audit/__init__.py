"""The audit pages (auditors only): journal search, chain state, each subject's history."""
