"""Issue 19, point 6: what a walk from publicity to exit found, each with its test."""
