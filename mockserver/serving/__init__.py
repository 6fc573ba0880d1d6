"""The server process: serve's workers and their supervisor (``worker``), the RSGI bridge to Granian, its connection bounds."""
