#!/usr/bin/env python3
"""Fill ${NAME} placeholders in a deploy/ template from the environment; refuse a missing one.

    python deploy/render.py deploy/nginx/bkk1555.conf.template > /etc/nginx/conf.d/bkk1555.conf

BKK_UPSTREAMS ("host:port host:port …") becomes BKK_UPSTREAM_SERVERS (one `server` line
each, passive health: max_fails=2 fail_timeout=10s). Defaults: BKK_SERVER_NAME "_",
BKK_METRICS_ALLOW "" (add `allow 10.0.0.0/8;` for your Prometheus), BKK_PROXY_PARAMS the
proxy_params.conf beside the template.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path


def render(template: str, env: dict[str, str], *, template_path: Path) -> str:
    values = dict(env)
    values.setdefault("BKK_SERVER_NAME", "_")
    values.setdefault("BKK_METRICS_ALLOW", "")
    values.setdefault("BKK_PROXY_PARAMS", str(template_path.resolve().parent / "proxy_params.conf"))
    if "BKK_UPSTREAMS" in values and "BKK_UPSTREAM_SERVERS" not in values:
        values["BKK_UPSTREAM_SERVERS"] = "\n    ".join(
            f"server {address} max_fails=2 fail_timeout=10s;" for address in values["BKK_UPSTREAMS"].split()
        )
    missing = sorted({m for m in re.findall(r"\$\{([A-Z0-9_]+)\}", template) if m not in values})
    if missing:
        raise SystemExit(f"render.py: set {', '.join(missing)}")
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: values[m.group(1)], template)


def main(argv: list[str]) -> None:
    path = Path(argv[1])
    sys.stdout.write(render(path.read_text(), dict(os.environ), template_path=path))


if __name__ == "__main__":
    main(sys.argv)
