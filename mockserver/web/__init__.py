"""The Flask glue: the current backend, auth, the wire format, error handlers, CORS and the guard, the OpenAPI document."""
