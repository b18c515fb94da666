"""Document kinds of hardship aid: identification (application to approval and the file
number), care (aid, yearly review, exit) and the aid programmes' receipts."""

# isort: off
from cases.documents.hardship import identification, care, programmes  # noqa: F401
# isort: on
