"""HardshipFlow and ObjectionFlow (flow.py), their task views and forms, and the pages around
them: registration (register/), the hardship file (file/), the household editor, funds and
the 疑似困难 candidates."""
