"""Run a command against a throwaway PostgreSQL cluster: `python tests/pg_cluster.py CMD ARGS…`.

The cluster lives in a temporary folder (trust authentication, Unix socket only, no TCP port), holds
one empty database whose URL the command gets as TEST_DATABASE_URL, and is stopped and removed when
the command ends, however it ends. The command's exit status is this script's.

Where PostgreSQL is missing or cannot start, the command does not run: the reason is printed and the
exit status is 0 (the SQLite run stands alone), unless REQUIRE_POSTGRESQL=1 makes that a failure.
PG_BINDIR names the folder holding initdb and pg_ctl (default: the newest /usr/lib/postgresql/*/bin,
else the PATH). initdb refuses to run as root: as root the cluster belongs to PG_USER (default
beian-pg, a system user created when missing).

`python tests/pg_cluster.py --found` only says (by its exit status) whether the binaries are there.
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile

DATABASE = "beian_test"
PORT = 5432  # Only names the socket file inside the cluster's own folder: nothing listens on TCP.


class Unavailable(Exception):
    """PostgreSQL cannot be used here; the message says why."""


def bindir():
    """The folder holding initdb and pg_ctl, or None."""
    if os.environ.get("PG_BINDIR"):
        return os.environ["PG_BINDIR"]
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda path: int(path.split("/")[-3]) if path.split("/")[-3].isdigit() else 0)
    if debian:
        return os.path.dirname(debian[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def cluster_user():
    """Who runs the server: this user, or PG_USER (created when missing) when this is root."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("PG_USER", "beian-pg")
    try:
        pwd.getpwnam(name)
    except KeyError:
        created = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                                 capture_output=True, text=True)
        if created.returncode:
            raise Unavailable(f"cannot create the user {name} to run it as: {created.stderr.strip()}")
    return name


class Cluster:
    def __init__(self):
        found = bindir()
        if not found or not os.access(os.path.join(found, "initdb"), os.X_OK):
            raise Unavailable(f"no initdb found (in {found or 'PATH or /usr/lib/postgresql'})")
        self.bin = found
        self.user = cluster_user()
        self.home = tempfile.mkdtemp(prefix="beian-pg-")
        self.data = os.path.join(self.home, "data")
        self.log = os.path.join(self.home, "server.log")
        self.started = False
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.home, entry.pw_uid, entry.pw_gid)

    def run(self, program, *args):
        command = [os.path.join(self.bin, program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, cwd=self.home, capture_output=True, text=True)
        if done.returncode:
            log = open(self.log, encoding="utf-8", errors="replace").read() if os.path.exists(self.log) else ""
            raise Unavailable(f"{program} failed: {(done.stderr or done.stdout).strip()}\n{log.strip()}".strip())
        return done

    def start(self):
        self.run("initdb", "--pgdata", self.data, "--auth", "trust", "--username", "postgres",
                 "--encoding", "UTF8", "--locale", "C", "--no-sync")
        # Durability is worthless for a cluster removed in a few minutes.
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.home}' -p {PORT} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self.run("pg_ctl", "--pgdata", self.data, "--log", self.log, "--options", options, "--wait",
                 "--timeout", "60", "start")
        self.started = True
        self.run("createdb", "--host", self.home, "--port", str(PORT), "--username", "postgres", DATABASE)
        return f"postgresql://postgres@/{DATABASE}?host={self.home}&port={PORT}"

    def remove(self):
        try:
            if self.started:
                self.run("pg_ctl", "--pgdata", self.data, "--mode", "immediate", "--wait", "stop")
        except Unavailable as error:
            print(f"pg_cluster: {error}", file=sys.stderr)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


def main(argv):
    if argv == ["--found"]:
        return 0 if os.environ.get("PG_BINDIR") or bindir() else 1
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    # A stopped CI job or Ctrl-C still stops the server and removes its folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = None
    try:
        try:
            cluster = Cluster()
            url = cluster.start()
        except Unavailable as error:
            required = os.environ.get("REQUIRE_POSTGRESQL") == "1"
            print(f"\n*** PostgreSQL is not available, so the suite ran on SQLite only: {error}\n", file=sys.stderr)
            return 1 if required else 0
        print(f"pg_cluster: throwaway PostgreSQL at {url}", flush=True)
        return subprocess.run(argv, env={**os.environ, "TEST_DATABASE_URL": url}).returncode
    finally:
        if cluster:
            cluster.remove()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
