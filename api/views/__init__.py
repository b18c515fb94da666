"""The API's views: worklists (tasks and queues), the dispute case and the hardship file, and
their transitions."""
