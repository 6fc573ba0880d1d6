"""For tests: ``MockServer`` (a thread of the test process), ``RemoteMockServer`` and the pytest plugin."""
