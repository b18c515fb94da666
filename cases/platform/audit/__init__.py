"""The hash-chained audit journal (journal) and the complete history read from it (history)."""
