"""The Flask glue: the current backend, auth, the wire format, error handlers, CORS and the guard, the OpenAPI document.

And ``sockets``: resetting a client's connection from inside the app (a fault), whichever server holds it.
"""
