"""A throwaway PostgreSQL primary and a streaming replica of it, on this machine, for tests/test_replica.py.

    with Replicated() as pg:
        pg.primary_url, pg.replica_url   # postgres://postgres@127.0.0.1:PORT/postgres

initdb makes the primary in a temporary folder (no fsync: it is thrown away), pg_basebackup -R
copies it into a standby that streams its WAL, each on a free port, listening on 127.0.0.1 only.
The server programs refuse to run as root, so as root they run as the `postgres` user
(runuser). Both clusters are stopped and their folder deleted on leaving, whatever happened.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DATABASE = "postgres"  # the one initdb makes: no createdb to wait for
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
shared_buffers = 32MB
max_connections = 30
hot_standby = on
wal_receiver_status_interval = 1s
"""


def server_bin():
    """The folder of initdb, pg_ctl and pg_basebackup (Debian keeps them out of PATH)."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists():
            return folder
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL's initdb was not found (Debian: apt-get install postgresql).")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replicated:
    def __init__(self):
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="tracker-replica-"))
        self.primary, self.replica = self.root / "primary", self.root / "replica"
        self.ports = {"primary": free_port(), "replica": free_port()}
        self.started, self.seconds = [], {}
        self.as_root = os.geteuid() == 0
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def url(self, which):
        return f"postgres://postgres@127.0.0.1:{self.ports[which]}/{DATABASE}"

    @property
    def primary_url(self):
        return self.url("primary")

    @property
    def replica_url(self):
        return self.url("replica")

    def run(self, program, *args):
        command = [str(self.bin / program), *map(str, args)]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.root)
        self.seconds[program] = self.seconds.get(program, 0) + round(time.monotonic() - started, 2)
        if result.returncode:
            logs = "".join(p.read_text() for p in self.root.glob("*.log"))
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr}{result.stdout}\n{logs}")
        return result.stdout

    def configure(self, folder, port):
        with open(folder / "postgresql.conf", "a") as conf:  # the last setting of a name wins
            conf.write(SETTINGS.format(port=port, sockets=self.root))

    def start(self, which, folder):
        self.run("pg_ctl", "-D", folder, "-l", self.root / f"{which}.log", "-w", "-t", "30", "start")
        self.started.append(folder)

    def __enter__(self):
        try:
            self.run(
                "initdb",
                "-D",
                self.primary,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            )
            self.configure(self.primary, self.ports["primary"])
            self.start("primary", self.primary)
            # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
            self.run(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                self.ports["primary"],
                "-U",
                "postgres",
                "-D",
                self.replica,
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            )
            self.configure(self.replica, self.ports["replica"])
            self.start("replica", self.replica)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        for folder in reversed(self.started):  # the replica first
            try:
                self.run("pg_ctl", "-D", folder, "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                kill_postmaster(folder)
        self.started = []
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self, which):
        path = self.root / f"{which}.log"
        return path.read_text() if path.exists() else ""


def kill_postmaster(folder):
    """SIGKILL the server whose process id the folder's postmaster.pid names (pg_ctl failed to stop it)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        os.kill(int((folder / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)
