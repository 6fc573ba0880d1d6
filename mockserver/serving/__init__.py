"""The server process: the RSGI bridge to Granian, its sockets and its connection bounds."""
