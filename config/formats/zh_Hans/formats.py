"""Amounts grouped by thousands with a comma (¥8,000.00), as the federation's documents and
pages print them: Django's own Chinese format groups nothing. Only these two settings are
overridden; everything else is Django's zh_Hans format."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
