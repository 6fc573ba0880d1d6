"""The OpenAPI document, derived from the models and the routes' declarations."""
