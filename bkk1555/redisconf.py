"""Redis addresses: a plain `redis://` URL or Redis Sentinel.

`REDIS_URL` (the Celery broker) and `CACHE_URL` accept either form:

    redis://:password@10.0.0.5:6379/0
    sentinel://:password@10.0.0.5:26379/0;sentinel://10.0.0.6:26379;sentinel://10.0.0.7:26379

The Sentinel form names the sentinels, not the master; the master's name is
`REDIS_SENTINEL_MASTER` (default `bkk1555`). A password in the URL is the Redis
master's; `REDIS_SENTINEL_PASSWORD` is the sentinels' own (if they have one).
kombu reads the same form natively (`master_name` in the transport options);
this module gives the rest of the project (health check, metrics, cache) a
client for whichever Redis is master now. No cluster logic of our own:
redis-py's `Sentinel` asks the sentinels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class SentinelAddress:
    sentinels: tuple[tuple[str, int], ...]
    db: int = 0
    password: str | None = None
    username: str | None = None
    extra: dict = field(default_factory=dict)


def is_sentinel(url: str) -> bool:
    return url.strip().lower().startswith("sentinel://")


def parse_sentinel(url: str) -> SentinelAddress:
    """`sentinel://[:pw@]host:port[/db];sentinel://host2:port…` → the sentinels, db and password."""
    sentinels: list[tuple[str, int]] = []
    db, password, username = 0, None, None
    for part in url.split(";"):
        part = part.strip()
        if not part:
            continue
        split = urlsplit(part)
        if split.scheme != "sentinel" or not split.hostname:
            raise ValueError(f"not a sentinel:// address: {part!r}")
        sentinels.append((split.hostname, split.port or 26379))
        if split.password and password is None:
            password = unquote(split.password)
            username = unquote(split.username) if split.username else None
        path = split.path.strip("/")
        if path and not sentinels[1:]:
            db = int(path)
    if not sentinels:
        raise ValueError("no sentinel in the address")
    return SentinelAddress(sentinels=tuple(sentinels), db=db, password=password, username=username)


def celery_transport_options(url: str, *, master: str, sentinel_password: str = "") -> dict:
    """kombu's transport options for this URL (empty for a plain redis:// URL)."""
    if not is_sentinel(url):
        return {}
    options: dict = {"master_name": master}
    if sentinel_password:
        options["sentinel_kwargs"] = {"password": sentinel_password}
    return options


def client(url: str, *, master: str = "bkk1555", sentinel_password: str = "", timeout: float = 1.0):
    """A redis-py client for the URL; with Sentinel, one bound to the current master."""
    import redis

    if not is_sentinel(url):
        return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    from redis.sentinel import Sentinel

    address = parse_sentinel(url)
    sentinel = Sentinel(
        list(address.sentinels),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        sentinel_kwargs={
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            **({"password": sentinel_password} if sentinel_password else {}),
        },
    )
    return sentinel.master_for(
        master,
        db=address.db,
        password=address.password,
        username=address.username,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )
