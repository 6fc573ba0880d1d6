"""The Redis store: one server's state on a Redis server, shared by any number of processes."""

from mockserver.store.redis.store import RedisStore

__all__ = ["RedisStore"]
