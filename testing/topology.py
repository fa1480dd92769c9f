"""The multi-node topology on loopback, started from the files in deploy/ (issue 15).

    with Topology(Path(tempfile.mkdtemp()), stub=LineStub(token=TOKEN).start()) as topo:
        topo.start()
        ...                      # traffic through http://127.0.0.1:<topo.nginx_port>
        topo.kill("web1")        # faults
        topo.kill_redis_master()

What runs, each as its own process (all on 127.0.0.1, ports picked free):
- PostgreSQL primary and a streaming replica: two throw-away clusters made with Debian's
  initdb and deploy/postgres/make-replica.sh (pg_basebackup), as the postgres user;
- Redis master + replica + one Sentinel, from deploy/redis/*.template (quorum 1, a master
  that does not answer for 1 s is failed over);
- nginx from deploy/nginx/bkk1555.conf.template in front of `webs` gunicorn nodes
  (deploy/bin/web), workers for the queues `line` and `default` (deploy/bin/worker) and
  `beats` beat processes under the leader lock (deploy/bin/beat) — restarted 2 s after they
  exit, as the systemd units' Restart=always does (`restarts` records each, planned or not);
- the LINE stub (testing/line_stub.py) in the caller's process.

Everything is bounded: each wait has a deadline, each process is killed on stop(). Use
`missing()` first: it names what this machine lacks (the tests skip with that reason).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MASTER_NAME = "bkk1555topo"
METRICS_TOKEN = "topology-metrics-token"
CHANNEL_SECRET = "topology-channel-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing() -> str | None:
    """Why the topology cannot run here (None when it can)."""
    for tool in ("nginx", "redis-server", "redis-sentinel"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed (apt-get install nginx-light redis-sentinel)"
    if pg_bin() is None:
        return "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user for initdb"
    if not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        return ".venv/bin/gunicorn missing (make install)"
    return None


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last_error = exc
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error!r})")


def render(template: Path, out: Path, values: dict[str, str]) -> Path:
    sys.path.insert(0, str(DEPLOY))
    try:
        from render import render as fill  # deploy/render.py: the same renderer production uses
    finally:
        sys.path.remove(str(DEPLOY))
    out.write_text(fill(template.read_text(), values, template_path=template))
    return out


class Topology:
    def __init__(
        self, workdir: Path, *, stub, webs: int = 2, beats: int = 2, web_workers: int = 2, concurrency: int = 2
    ):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.stub = stub
        self.webs, self.beats, self.web_workers, self.concurrency = webs, beats, web_workers, concurrency
        self.pg_port, self.replica_port = free_port(), free_port()
        self.redis_ports = [free_port(), free_port()]
        self.sentinel_port = free_port()
        self.nginx_port = free_port()
        self.web_ports = [free_port() for _ in range(webs)]
        self.procs: dict[str, subprocess.Popen] = {}
        self.specs: dict[str, tuple[list[str], dict[str, str], Path | None]] = {}
        self.logs: dict[str, Path] = {}
        self.db = "bkk1555"
        self.setup: dict = {}
        # Like systemd's Restart=always, RestartSec=2 (deploy/systemd/): web, workers and beats come back.
        self.supervised: set[str] = set()
        self.killed_pids: set[int] = set()
        self.restarts: list[tuple[float, str, bool]] = []  # (when, name, planned: we had killed it)
        self._lock = threading.RLock()
        self._stopping = threading.Event()

    # --- life cycle ----------------------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, setup_script: str = "") -> None:
        self._postgres()
        self._redis()
        self._django(setup_script)
        for i in range(self.webs):
            self.start_web(i + 1)
        self._nginx()
        self.start_worker("worker-line", "line")
        self.start_worker("worker-default", "default")
        for i in range(self.beats):
            self.start_beat(i + 1)
        wait_for(lambda: self.http("/healthz/ready")[0] == 200, timeout=60, what="nginx → web /healthz/ready")
        threading.Thread(target=self._supervise, name="topology-supervisor", daemon=True).start()

    def _supervise(self) -> None:
        exited_at: dict[str, float] = {}
        while not self._stopping.wait(0.5):
            for name in sorted(self.supervised):
                proc = self.procs.get(name)
                if proc is None or proc.poll() is None:
                    exited_at.pop(name, None)
                    continue
                first = exited_at.setdefault(name, time.monotonic())
                if time.monotonic() - first >= 2 and not self._stopping.is_set():
                    with self._lock:
                        if self.procs[name] is proc:
                            planned = proc.pid in self.killed_pids
                            self.restarts.append((time.time(), name, planned))
                            self.restart(name)
                    exited_at.pop(name, None)

    def unplanned_exits(self) -> list[str]:
        return [name for _, name, planned in self.restarts if not planned]

    def stop(self) -> None:
        self._stopping.set()
        for name in list(self.procs)[::-1]:
            self.kill(name, signal.SIGKILL)
        for data in ("pg-replica", "pg-primary"):
            if (self.dir / data / "PG_VERSION").exists():
                self._as_postgres(
                    [str(pg_bin() / "pg_ctl"), "-D", str(self.dir / data), "-m", "immediate", "stop"], check=False
                )

    # --- processes --------------------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "PYTEST"))}
        base.update(
            DJANGO_SETTINGS_MODULE="bkk1555.settings",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pg_port}/{self.db}",
            DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{self.replica_port}/{self.db}",
            REDIS_URL=f"sentinel://127.0.0.1:{self.sentinel_port}/0",
            CACHE_URL=f"sentinel://127.0.0.1:{self.sentinel_port}/1",
            REDIS_SENTINEL_MASTER=MASTER_NAME,
            SECRET_KEY="topology-test-secret-key-not-for-production-1555",
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BKK1555_VAR_DIR=str(self.dir / "var"),
            MEDIA_ROOT=str(self.dir / "media"),
            STATIC_ROOT=str(self.dir / "static"),
            LINE_CHANNEL_SECRET=CHANNEL_SECRET,
            LINE_CHANNEL_ACCESS_TOKEN=self.stub.token,
            LINE_API_BASE=self.stub.url,
            LINE_DATA_API_BASE=self.stub.url,
            LINE_REQUEST_TIMEOUT_SECONDS="5",
            PUBLIC_BASE_URL="https://bkk1555.example.org",
            # The test's nginx speaks plain http on loopback (no certificate to terminate TLS):
            # production's redirect to https would bounce every request the test makes.
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            METRICS_TOKEN=METRICS_TOKEN,
            NUM_PROXIES="1",
            API_THROTTLE_USER="1000000/minute",
            API_THROTTLE_ANON="1000000/minute",
            # Short clocks so faults are repaired inside a short run (production keeps the defaults).
            CELERY_TASK_SOFT_TIME_LIMIT="10",
            CELERY_TASK_TIME_LIMIT="15",
            OUTBOX_LEASE_SECONDS="20",
            OUTBOX_PENDING_GRACE_SECONDS="5",
            OUTBOX_RETRY_BASE_SECONDS="1",
            OUTBOX_SWEEP_SECONDS="5",
            WEBHOOK_PROCESSING_LEASE_SECONDS="20",
            WEBHOOK_SWEEP_SECONDS="5",
            WEBHOOK_PENDING_GRACE_SECONDS="5",
            REMINDER_SWEEP_SECONDS="5",
            REPLICA_CHECK_SECONDS="1",
            LOG_FORMAT="json",
            WEB_WORKERS=str(self.web_workers),
            WORKER_CONCURRENCY=str(self.concurrency),
        )
        base.update(extra)
        return base

    def spawn(self, name: str, argv: list[str], env: dict[str, str], cwd: Path | None = ROOT) -> subprocess.Popen:
        self.specs[name] = (argv, env, cwd)
        log = self.logs.setdefault(name, self.dir / f"{name}.log")
        with open(log, "a") as out:
            proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs[name] = proc
        return proc

    def restart(self, name: str) -> subprocess.Popen:
        """Start it again unless it runs (the supervisor may have been first)."""
        with self._lock:
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is None:
                return proc
            argv, env, cwd = self.specs[name]
            return self.spawn(name, argv, env, cwd)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        self.killed_pids.add(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the whole group: gunicorn's and celery's children too
        if sig in (signal.SIGKILL, signal.SIGTERM):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)

    def start_web(self, n: int) -> subprocess.Popen:
        port = self.web_ports[n - 1]
        env = self.env(
            WEB_BIND=f"127.0.0.1:{port}",
            DRAIN_FILE=str(self.dir / f"drain-web{n}"),
            PROMETHEUS_MULTIPROC_DIR=str(self._metrics_dir()),
        )
        self.supervised.add(f"web{n}")
        return self.spawn(f"web{n}", [str(DEPLOY / "bin" / "web")], env)

    def start_worker(self, name: str, queues: str) -> subprocess.Popen:
        env = self.env(WORKER_QUEUES=queues, WORKER_NAME=name, PROMETHEUS_MULTIPROC_DIR=str(self._metrics_dir()))
        self.supervised.add(name)
        return self.spawn(name, [str(DEPLOY / "bin" / "worker")], env)

    def start_beat(self, n: int) -> subprocess.Popen:
        env = self.env(BEAT_SCHEDULE_FILE=str(self.dir / f"beat{n}-schedule"))
        self.supervised.add(f"beat{n}")
        return self.spawn(f"beat{n}", [str(DEPLOY / "bin" / "beat")], env)

    def _metrics_dir(self) -> Path:
        """One prometheus_client multiprocess directory for every process, as on a real machine."""
        path = self.dir / "metrics"
        path.mkdir(exist_ok=True)
        return path

    def manage(self, *args: str, stdin: str | None = None, timeout: float = 300) -> str:
        out = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    # --- PostgreSQL ----------------------------------------------------------------------------
    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) of every process group we started, children included, now."""
        ticks = os.sysconf("SC_CLK_TCK")
        groups = {proc.pid: name for name, proc in self.procs.items()}
        out: dict[str, float] = {}
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pgid = int(fields[2])
            if pgid in groups:
                out[groups[pgid]] = out.get(groups[pgid], 0.0) + (int(fields[11]) + int(fields[12])) / ticks
        return out

    def _as_postgres(self, argv: list[str], *, check: bool = True, timeout: float = 120):
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd="/")
        if check and out.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        return out

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def _postgres(self) -> None:
        binary = pg_bin()
        primary = self.dir / "pg-primary"
        primary.mkdir()
        self._chown(primary)
        self._as_postgres([str(binary / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8"])
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.pg_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "wal_level = replica\nmax_wal_senders = 5\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nmax_connections = 200\nshared_buffers = 64MB\n"
            )
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.pg_ctl("pg-primary", "start")
        self.sql(f"CREATE DATABASE {self.db}", db="postgres")
        replica = self.dir / "pg-replica"
        replica.mkdir(mode=0o700)
        self._chown(replica)
        # The postgres user may not be able to reach the checkout (a clone under a private
        # temporary folder): run the shipped script from a copy in the topology's own folder.
        script = self.dir / "make-replica.sh"
        shutil.copy(DEPLOY / "postgres" / "make-replica.sh", script)
        script.chmod(0o755)
        self._as_postgres(
            [
                str(script),
                "127.0.0.1",
                str(self.pg_port),
                str(replica),
                str(self.replica_port),
            ],
            timeout=180,
        )
        self.pg_ctl("pg-replica", "start")

    def pg_ctl(self, data: str, action: str) -> None:
        argv = [str(pg_bin() / "pg_ctl"), "-D", str(self.dir / data), "-w", "-t", "60"]
        if action == "start":
            argv += ["-l", str(self.dir / data / "server.log")]
        self._as_postgres([*argv, *(["-m", "fast"] if action == "stop" else []), action])

    def sql(self, query: str, params: tuple = (), *, db: str | None = None, port: int | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=port or self.pg_port,
            user="postgres",
            dbname=db or self.db,
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    # --- Redis and Sentinel ----------------------------------------------------------------------
    def _redis(self) -> None:
        master, replica = self.redis_ports
        for n, (port, template) in enumerate(((master, "redis-master"), (replica, "redis-replica")), start=1):
            data = self.dir / f"redis{n}"
            data.mkdir()
            conf = render(
                DEPLOY / "redis" / f"{template}.conf.template",
                self.dir / f"redis{n}.conf",
                {
                    "BKK_REDIS_BIND": "127.0.0.1",
                    "BKK_REDIS_PORT": str(port),
                    "BKK_REDIS_DIR": str(data),
                    "BKK_REDIS_MASTER_HOST": "127.0.0.1",
                    "BKK_REDIS_MASTER_PORT": str(master),
                },
            )
            self.spawn(f"redis{n}", ["redis-server", str(conf)], os.environ.copy(), cwd=data)
        wait_for(lambda: self._redis_ping(master) and self._redis_ping(replica), timeout=20, what="redis up")
        data = self.dir / "sentinel"
        data.mkdir()
        conf = render(
            DEPLOY / "redis" / "sentinel.conf.template",
            self.dir / "sentinel.conf",
            {
                "BKK_SENTINEL_BIND": "127.0.0.1",
                "BKK_SENTINEL_PORT": str(self.sentinel_port),
                "BKK_REDIS_DIR": str(data),
                "BKK_SENTINEL_MASTER": MASTER_NAME,
                "BKK_REDIS_MASTER_HOST": "127.0.0.1",
                "BKK_REDIS_MASTER_PORT": str(master),
                "BKK_SENTINEL_QUORUM": "1",
                "BKK_SENTINEL_DOWN_AFTER_MS": "1000",
            },
        )
        self.spawn("sentinel", ["redis-sentinel", str(conf)], os.environ.copy(), cwd=data)
        wait_for(lambda: self.redis_master() == ("127.0.0.1", master), timeout=20, what="sentinel sees the master")
        wait_for(self._replica_linked, timeout=30, what="redis replica in sync")

    def _redis_ping(self, port: int) -> bool:
        import redis

        return bool(redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1).ping())

    def _replica_linked(self) -> bool:
        import redis

        info = redis.Redis(port=self.redis_ports[1], socket_timeout=1).info("replication")
        return info.get("master_link_status") == "up"

    def redis_master(self) -> tuple[str, int] | None:
        import redis

        answer = redis.Redis(port=self.sentinel_port, socket_timeout=1, decode_responses=True).execute_command(
            "SENTINEL", "get-master-addr-by-name", MASTER_NAME
        )
        return (answer[0], int(answer[1])) if answer else None

    def kill_redis_master(self, *, timeout: float = 30) -> float:
        """SIGKILL the current master; wait until Sentinel names the other one. Returns the seconds taken."""
        host, port = self.redis_master()
        name = f"redis{self.redis_ports.index(port) + 1}"
        started = time.monotonic()
        self.kill(name)
        wait_for(lambda: (m := self.redis_master()) and m[1] != port, timeout=timeout, what="Sentinel failover")
        return time.monotonic() - started

    # --- Django, web, nginx ------------------------------------------------------------------------
    def _django(self, setup_script: str) -> None:
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        if setup_script:
            out = self.manage("shell", stdin=setup_script)
            self.setup = json.loads(out.strip().splitlines()[-1])

    def _nginx(self) -> None:
        site = render(
            DEPLOY / "nginx" / "bkk1555.conf.template",
            self.dir / "nginx-site.conf",
            {
                "BKK_LISTEN": f"127.0.0.1:{self.nginx_port}",
                "BKK_UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in self.web_ports),
                "BKK_STATIC_ROOT": str(self.dir / "static"),
                "BKK_MEDIA_ROOT": str(self.dir / "media"),
            },
        )
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        (self.dir / "nginx").mkdir()
        main = self.dir / "nginx.conf"
        main.write_text(
            f"daemon off;\nworker_processes 1;\npid {self.dir}/nginx.pid;\nerror_log {self.dir}/nginx-error.log;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{ {mime} access_log {self.dir}/nginx-access.log; "
            f"client_body_temp_path {self.dir}/nginx; proxy_temp_path {self.dir}/nginx; include {site}; }}\n"
        )
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("nginx", [binary, "-c", str(main), "-p", str(self.dir / "nginx")], os.environ.copy(), cwd=self.dir)

    def http(
        self, path: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None, timeout=10
    ):
        """(status, headers, body) through nginx; network errors raise."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.nginx_port}{path}", data=body, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def metrics(self) -> str:
        status, _, body = self.http("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert status == 200, status
        return body.decode()

    def beat_leaders(self) -> int:
        lock = int(self.env().get("BEAT_LOCK_ID", "15550001"))
        rows = self.sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted", (lock & 0xFFFFFFFF,)
        )
        return rows[0][0]

    def replica_lag(self) -> float:
        rows = self.sql(
            "SELECT COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)", port=self.replica_port
        )
        return float(rows[0][0])


# --- the data a storm needs, made inside the topology's database -----------------------------------
SETUP = """
import json
from rest_framework.authtoken.models import Token
from bkk1555.roles import OFFICER
from testing.factories import CategoryFactory, CoordinatorFactory, DistrictOfficeFactory, make_user

AGENCIES = {agencies}
officer = make_user("storm-officer", OFFICER)
token = Token.objects.create(user=officer)
best = CategoryFactory(best=True, code="STORM_BEST", sla_ack_minutes={ack_minutes})
normal = CategoryFactory(code="STORM_NORMAL")
out = {{"token": token.key, "categories": [best.code, normal.code], "agencies": []}}
for n in range(AGENCIES):
    office = DistrictOfficeFactory()
    coordinator = CoordinatorFactory(agency=office, line_user_id="U%032x" % (0x1555000 + n), is_lead=True)
    out["agencies"].append({{"code": office.code, "district": office.district.code, "line_user_id": coordinator.line_user_id}})
print(json.dumps(out))
"""
