"""Shared harness for integration tests: start xuna-emulator on an ephemeral loopback port,
run the real xuna-sync binary, read the emulator's request log. Standard library only."""
import http.client
import http.server
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

SYNC = os.environ.get("XS_SYNC_BIN", "build/xuna-sync")
EMULATOR = os.environ.get("XS_EMULATOR_BIN", "build/xuna-emulator")
SOURCE_DIR = os.environ.get("XS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

SUPPORT = "agent_7101k5zvyjhmfg983brhmhkd98n6"
SALES = "agent_2202k5zvyjhmfg983brhmhkd98n7"
AFTERHOURS = "agent_3303k5zvyjhmfg983brhmhkd98n8"
ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"


def stop_process(proc):
    """Terminates a server the tests started, killing it if it does not end within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Emulator:
    """A running xuna-emulator with a fixture; stop() or use as a context manager."""

    def __init__(self, fixture, workdir, extra_args=(), tls=None):
        self.workdir = workdir
        fixture_path = os.path.join(workdir, "fixture.json")
        with open(fixture_path, "w") as f:
            json.dump(fixture, f)
        port_file = os.path.join(workdir, "emulator.port")
        args = [EMULATOR, "--fixture", fixture_path, "--host", "127.0.0.1", "--port", "0",
                "--port-file", port_file, *extra_args]
        scheme = "http"
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
            scheme = "https"
        self.stderr = open(os.path.join(workdir, "emulator.stderr"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("xuna-emulator did not start: " +
                                   open(os.path.join(workdir, "emulator.stderr")).read())
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.admin = f"http://127.0.0.1:{self.port}" if not tls else None

    def _admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def requests(self):
        return self._admin("GET", "/_emulator/requests")

    def writes(self):
        return [r for r in self.requests() if r["method"] in ("POST", "PATCH", "PUT")]

    def clear_requests(self):
        self._admin("DELETE", "/_emulator/requests")

    def numbers(self):
        return {n["phone_number"]: n for n in self._admin("GET", "/_emulator/numbers")}

    def change_number(self, phone_number_id, **fields):
        return self._admin("PUT", f"/_emulator/numbers/{phone_number_id}", fields)

    def add_number(self, **fields):
        return self._admin("POST", "/_emulator/numbers", fields)

    def stats(self):
        return self._admin("GET", "/_emulator/stats")

    def set_faults(self, **faults):
        return self._admin("POST", "/_emulator/faults", faults)

    def stop(self):
        stop_process(self.proc)
        self.stderr.close()


class Proxy:
    """An HTTP server in front of the emulator on upstream_port. Each request goes to
    answer(request, forward): forward() asks the emulator and gives (status, headers, body);
    answer returns such a triple to send, or None to close the connection without a word."""

    def __init__(self, upstream_port, answer=None):
        answer = answer or (lambda request, forward: forward())

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward_to_emulator(self, body):
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                reply = resp.status, resp.getheaders(), resp.read()
                conn.close()
                return reply

            def relay(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = answer(self, lambda: self.forward_to_emulator(body))
                if reply is None:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                status, headers, data = reply
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Case(unittest.TestCase):
    """A test with its own temp dir, generated secrets, an emulator and helpers to run
    xuna-sync there."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="xs-it-")
        self.api_key = "xk_" + secrets.token_hex(20)
        self.twilio_token = secrets.token_hex(16)
        self.outputs = []  # everything xuna-sync printed, for the secret checks
        self.emulators = []

    def tearDown(self):
        for e in self.emulators:
            e.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- fixtures and mappings -------------------------------------------------------
    def fixture(self, owned=None, existing=None, **extra):
        owned = owned if owned is not None else [
            "+15551234567", "+15551234568", "+15551234569", "+15551234570", "+15551234571",
            "+15550001111", "+15550002222"]
        fx = {
            "api_keys": [self.api_key],
            "agents": [SUPPORT, SALES, AFTERHOURS],
            "twilio_accounts": [{
                "account_sid": ACCOUNT_SID, "auth_token": self.twilio_token,
                "numbers": [{"phone_number": n, "friendly_name": "Owned " + n} for n in owned]}],
            "numbers": existing if existing is not None else [],
        }
        fx.update(extra)
        return fx

    def start_emulator(self, fixture=None, extra_args=(), tls=None):
        sub = tempfile.mkdtemp(dir=self.dir, prefix="emu-")
        e = Emulator(fixture if fixture is not None else self.fixture(), sub, extra_args, tls)
        self.emulators.append(e)
        return e

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def mapping(self, numbers_yaml, name="mappings/main.yaml"):
        return self.write(name, f"""version: 1
twilio_accounts:
  main:
    account_sid: {ACCOUNT_SID}
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
agents:
  support: {SUPPORT}
  sales: {SALES}
  afterhours: {AFTERHOURS}
defaults:
  twilio_account: main
numbers:
{numbers_yaml}""")

    # --- running the tool ----------------------------------------------------------------
    def env(self, **overrides):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XUNA_", "TWILIO_")) and k != "NO_COLOR"
               and k.lower() not in PROXY_VARIABLES and k != "GITHUB_STEP_SUMMARY"}
        env["XUNA_API_KEY"] = self.api_key
        env["TWILIO_MAIN_AUTH_TOKEN"] = self.twilio_token
        env["XUNA_SYNC_STATE"] = os.path.join(self.dir, "state", "state.db")
        for k, v in overrides.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def sync(self, *args, emulator=None, env=None, timeout=120, stdin=subprocess.DEVNULL):
        cmd = [SYNC, *args]
        if emulator is not None and args and args[0] not in ("validate", "history", "state"):
            cmd += ["--api-url", emulator.url]
            if args[0] != "export":  # the emulator also serves Twilio's list (ownership checks)
                cmd += ["--twilio-api-url", emulator.url]
        start = time.time()
        p = subprocess.run(cmd, cwd=self.dir, env=env or self.env(), stdin=stdin,
                           capture_output=True, text=True, timeout=timeout)
        p.elapsed = time.time() - start
        self.outputs += [p.stdout, p.stderr]
        return p

    def assertExit(self, p, code):
        self.assertEqual(p.returncode, code,
                         f"exit {p.returncode}, expected {code}\n--- stdout\n{p.stdout}"
                         f"\n--- stderr\n{p.stderr}")

    def assertNoSecrets(self, *extra_files):
        """Nothing the tool wrote (stdout, stderr, state files, given files) holds a secret."""
        blobs = list(self.outputs)
        state_dir = os.path.join(self.dir, "state")
        files = list(extra_files)
        if os.path.isdir(state_dir):
            files += [os.path.join(state_dir, f) for f in os.listdir(state_dir)]
        for path in files:
            with open(path, "rb") as f:
                blobs.append(f.read().decode("latin-1"))
        self.assertTrue(files or blobs)
        for secret in (self.api_key, self.twilio_token):
            for blob in blobs:
                self.assertNotIn(secret, blob)


# The machine's proxy settings would send the tests' loopback traffic elsewhere: a test sets
# its own (tests/integration/test_proxy.py).
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def require_tools(*names):
    """For a test file's main: exit 125 (skipped) naming the tools that are not installed;
    under CI=true a missing tool is a failure (exit 1) instead (scripts/install-deps.sh)."""
    missing = [n for n in names if not shutil.which(n)]
    if missing:
        if os.environ.get("CI") == "true":
            print(f"FAIL: {', '.join(missing)} required under CI=true (scripts/install-deps.sh)")
            raise SystemExit(1)
        print(f"skipped: {', '.join(missing)} not installed (scripts/install-deps.sh)")
        raise SystemExit(125)


def without_number_warnings(text):
    """text without the warnings libphonenumber gives the tests' +1555 numbers (555 is no
    assigned area code); tests that check stderr is otherwise quiet use it."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.rstrip().endswith("(libphonenumber)"))


def main():
    if not (os.path.exists(SYNC) and os.path.exists(EMULATOR)):
        print(f"binaries not built ({SYNC}, {EMULATOR})")
        raise SystemExit(125)
    unittest.main(verbosity=2)


# --- Twilio number routing in the emulator (as if changed in the Twilio console) -------------
def twilio_routing(emulator, phone_number, account_sid=None):
    """The emulator's Twilio number with this phone: account_sid, sid, phone_number,
    friendly_name and the routing fields (voice_url, ..., null when empty)."""
    query = f"?account_sid={account_sid}" if account_sid else ""
    return emulator._admin("GET", f"/_emulator/twilio/numbers/{phone_number}{query}")


def set_twilio_routing(emulator, phone_number, account_sid=None, **fields):
    """Changes routing fields (fixture key names; None clears) with Twilio's rules; returns
    the number as twilio_routing() does."""
    query = f"?account_sid={account_sid}" if account_sid else ""
    return emulator._admin("PUT", f"/_emulator/twilio/numbers/{phone_number}{query}", fields)


def plant_lock(state_path, pid, host, since="2026-01-02T03:04:05Z"):
    """Writes a lock row for every target of a SQLite state, as a run that holds it (or one
    that is gone) would have left it."""
    import sqlite3
    with sqlite3.connect(state_path) as db:
        db.execute("INSERT OR REPLACE INTO locks(target_id, pid, host, since, token) "
                   "SELECT id, ?, ?, ?, 'planted' FROM targets", (pid, host, since))


# --- hostile-world helpers (issue 13): background runs, waits, lock tampering ---------------
def start_sync(case, *args, emulator=None, env=None):
    """Starts xuna-sync in the background as case.sync() would run it; returns the Popen
    (text pipes for stdout and stderr; read them with communicate())."""
    cmd = [SYNC, *args]
    if emulator is not None:
        cmd += ["--api-url", emulator.url, "--twilio-api-url", emulator.url]
    return subprocess.Popen(cmd, cwd=case.dir, env=env or case.env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition, what, timeout=30, step=0.02):
    """Polls condition() until it is true; AssertionError naming `what` after timeout s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def lock_rows(state_path):
    """The SQLite state's lock rows: [(target_id, pid, host, token)]."""
    import sqlite3
    if not os.path.exists(state_path):
        return []
    db = sqlite3.connect(state_path, timeout=10)
    try:
        return db.execute("SELECT target_id, pid, host, token FROM locks").fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet
    finally:
        db.close()


def tamper_lock(state_path, holder=None):
    """Takes the lock away from whoever holds it, behind its back: deletes the rows (holder
    None) or plants (pid, host) with a token of its own."""
    import sqlite3
    db = sqlite3.connect(state_path, timeout=10)
    try:
        with db:
            if holder is None:
                db.execute("DELETE FROM locks")
            else:
                db.execute("UPDATE locks SET pid = ?, host = ?, token = 'planted-elsewhere'",
                           holder)
    finally:
        db.close()

# --- a throwaway PostgreSQL cluster (tests/pg_cluster.sh) -------------------------------------
PG_CLUSTER_SCRIPT = os.path.join(SOURCE_DIR, "tests", "pg_cluster.sh")


class PgUnavailable(Exception):
    """The cluster could not start; the message is pg_cluster.sh's reason."""


def pg_bin(name):
    """A PostgreSQL client binary: $XS_PG_BIN, else the newest /usr/lib/postgresql/*/bin."""
    base = os.environ.get("XS_PG_BIN")
    if not base:
        import glob
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                       key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
        base = found[-1] if found else ""
    path = os.path.join(base, name) if base else ""
    return path if path and os.path.exists(path) else (shutil.which(name) or name)


class PgCluster:
    """A throwaway PostgreSQL cluster on a Unix socket in a temp dir (trust auth for the
    `postgres` role), stopped and removed by stop() or at the end of a with block. Raises
    PgUnavailable with the reason when it cannot start."""

    def __init__(self):
        self.parent = tempfile.mkdtemp(prefix="xs-pg-")
        self.dir = os.path.join(self.parent, "c")
        try:
            p = subprocess.run(["bash", PG_CLUSTER_SCRIPT, "start", self.dir],
                               capture_output=True, text=True, timeout=180)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.stop()
            raise PgUnavailable(f"pg_cluster.sh start: {e}")
        if p.returncode != 0:
            self.stop()
            raise PgUnavailable((p.stderr or p.stdout).strip() or f"pg_cluster.sh exit {p.returncode}")
        self.uri = p.stdout.strip()
        self.data = os.path.join(self.dir, "data")

    def createdb(self, name):
        """Creates database NAME; returns its URI (user postgres, no password)."""
        p = subprocess.run(["bash", PG_CLUSTER_SCRIPT, "createdb", self.dir, name],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"createdb {name}: {p.stderr}")
        return p.stdout.strip()

    def uri_for(self, db, user="postgres"):
        return f"postgresql:///{db}?host={self.dir}&user={user}"

    def psql(self, sql, db="postgres"):
        """Runs sql as the superuser; returns the unaligned, tuples-only output."""
        p = subprocess.run([pg_bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.dir, "-U", "postgres", "-d", db, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {p.stderr}")
        return p.stdout.strip()

    def stop(self):
        if os.path.isdir(self.dir):
            subprocess.run(["bash", PG_CLUSTER_SCRIPT, "stop", self.dir], capture_output=True,
                           timeout=60)
        shutil.rmtree(self.parent, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def pg_cluster_or_exit():
    """For a test file's main: a PgCluster, or exit 125 (skipped) with the reason when it
    cannot start; under CI=true a cluster that cannot start is a failure (exit 1)."""
    if not (os.path.exists(SYNC) and os.path.exists(EMULATOR)):
        print(f"binaries not built ({SYNC}, {EMULATOR})")
        raise SystemExit(125)
    try:
        return PgCluster()
    except PgUnavailable as e:
        if os.environ.get("CI") == "true":
            print(f"FAIL: PostgreSQL is required under CI=true and did not start: {e}")
            raise SystemExit(1)
        print(f"skipped: no PostgreSQL cluster: {e}")
        raise SystemExit(125)
