"""The notification service: channels, their subscriptions, the topics' event bodies and the stream.

``channels`` holds the state and its rules (Flask-free, as the backend), ``events`` turns a stored
conversation into each topic's event body, ``topics`` names what a conversation's change matches,
``users`` maps bearer tokens to users, and ``stream`` serves the WebSocket side on a port of its own.
"""
