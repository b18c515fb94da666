"""Document kinds of hardship aid: identification (application to approval and the file
number) and care (aid, yearly review, exit)."""

# isort: off
from cases.documents.hardship import identification, care  # noqa: F401
# isort: on
