"""Document kinds of hardship aid: identification (application to approval and the file
number) and care (aid, yearly review, exit)."""

from cases.documents.hardship import identification, care  # noqa: F401
