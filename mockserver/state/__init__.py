"""The state and its rules: every read and change of the conversations, the clock, the lifecycle (no HTTP)."""
