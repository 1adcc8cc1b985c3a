"""Proxies as curl reads them (issue 21): a real tinyproxy, started here on loopback with a
generated config, in front of the emulator. Plain HTTP is sent to the proxy with absolute
targets, HTTPS goes through CONNECT with the emulator's certificate verified end to end and
the tunnel reused, NO_PROXY bypasses the proxy, and the proxy's password never shows. Each
test checks the proxy's own log, not only that the run succeeded."""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers  # noqa: E402
from harness import Case, main, require_tools, stop_process  # noqa: E402
from test_tls import make_ca, make_server_cert  # noqa: E402

PROXY_USER = "xsuser"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tinyproxy:
    """tinyproxy in the foreground on a free loopback port; CONNECT allowed to connect_port
    only; with user/password when given (BasicAuth)."""

    def __init__(self, workdir, connect_port=None, password=None):
        self.dir = workdir
        self.log = os.path.join(workdir, "tinyproxy.log")
        for attempt in range(5):
            self.port = free_port()
            conf = os.path.join(workdir, "tinyproxy.conf")
            with open(conf, "w") as f:
                f.write(f"Port {self.port}\nListen 127.0.0.1\nTimeout 60\nMaxClients 50\n"
                        f"LogFile \"{self.log}\"\nLogLevel Info\nAllow 127.0.0.1\n")
                if connect_port:
                    f.write(f"ConnectPort {connect_port}\n")
                if password:
                    f.write(f"BasicAuth {PROXY_USER} {password}\n")
            self.stderr = open(os.path.join(workdir, "tinyproxy.stderr"), "w")
            self.proc = subprocess.Popen(["tinyproxy", "-d", "-c", conf],
                                         stdout=self.stderr, stderr=self.stderr)
            deadline = time.time() + 10
            # no probe connection (it would count): tinyproxy says when it accepts
            while time.time() < deadline and self.proc.poll() is None:
                if "Accepting connections" in self.read_log():
                    return
                time.sleep(0.05)
            self.stop()  # the port was taken in between: another one
        raise RuntimeError("tinyproxy did not start: " + self.read_log())

    def read_log(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log) as f:
            return f.read()

    def requests(self):
        """The request lines tinyproxy logged: 'GET http://...', 'CONNECT host:port'."""
        return re.findall(r"Request \(file descriptor \d+\): (\S+ \S+)", self.read_log())

    def connections(self):
        return len(re.findall(r"Connect \(file descriptor \d+\)", self.read_log()))

    def stop(self):
        stop_process(self.proc)
        self.stderr.close()


class Proxy(Case):
    def setUp(self):
        super().setUp()
        self.proxies = []
        self.proxy_password = "pw-" + os.urandom(12).hex()
        self.numbers = bulk_numbers(10)
        bulk_mapping(self, self.numbers)

    def tearDown(self):
        for p in self.proxies:
            p.stop()
        super().tearDown()

    def start_proxy(self, connect_port=None, password=None):
        sub = os.path.join(self.dir, f"proxy{len(self.proxies)}")
        os.makedirs(sub)
        p = Tinyproxy(sub, connect_port, password)
        self.proxies.append(p)
        return p

    def start_tls_emulator(self):
        pki = os.path.join(self.dir, "pki")
        os.makedirs(pki)
        make_ca(pki)
        self.ca = os.path.join(pki, "ca.pem")
        return self.start_emulator(bulk_fixture(self, 10),
                                   tls=make_server_cert(pki, "server", "DNS:localhost,IP:127.0.0.1"))

    def proxy_url(self, proxy, password=None):
        auth = f"{PROXY_USER}:{password}@" if password else ""
        return f"http://{auth}127.0.0.1:{proxy.port}"

    def assertNoProxyPassword(self, *files):
        """Nothing the tool wrote (stdout, stderr, the state, given files) has the password."""
        self.assertNoSecrets(*files)
        for blob in self.outputs:
            self.assertNotIn(self.proxy_password, blob)
        state = os.path.join(self.dir, "state")
        if os.path.isdir(state):
            files += tuple(os.path.join(state, f) for f in os.listdir(state))
        for path in files:
            with open(path, "rb") as f:
                self.assertNotIn(self.proxy_password.encode(), f.read())

    def test_plain_http_goes_through_http_proxy_with_absolute_targets(self):
        emu = self.start_emulator(bulk_fixture(self, 10))
        proxy = self.start_proxy(password=self.proxy_password)  # BasicAuth: 401 without it
        p = self.sync("plan", "--detailed-exitcode", "--verbose", emulator=emu,
                      env=self.env(http_proxy=self.proxy_url(proxy, self.proxy_password)))
        self.assertExit(p, 2)
        self.assertNoProxyPassword()
        self.assertIn("Plan: 10 to import, 10 to assign", p.stdout)
        seen = proxy.requests()
        self.assertIn(f"GET http://127.0.0.1:{emu.port}/v1/convai/phone-numbers", seen)
        # Twilio's list went through the proxy too
        self.assertTrue(any("/2010-04-01/Accounts/" in r for r in seen), seen)

    def test_https_goes_through_connect_with_the_certificate_checked_and_the_tunnel_reused(self):
        emu = self.start_tls_emulator()
        proxy = self.start_proxy(connect_port=emu.port, password=self.proxy_password)
        env = self.env(HTTPS_PROXY=self.proxy_url(proxy, self.proxy_password))
        out = os.path.join(self.dir, "PLAN.json")
        p = self.sync("plan", "--ca-file", self.ca, "--out", out, "--verbose", emulator=emu,
                      env=env)
        self.assertExit(p, 0)
        self.assertIn(f"http://{PROXY_USER}:***@127.0.0.1:{proxy.port}", p.stderr)  # --verbose
        connects = [r for r in proxy.requests() if r.startswith("CONNECT ")]
        self.assertTrue(connects, proxy.read_log())
        self.assertEqual(set(connects), {f"CONNECT 127.0.0.1:{emu.port}"})
        self.assertFalse([r for r in proxy.requests() if not r.startswith("CONNECT ")])

        before = len(proxy.requests())
        p = self.sync("apply", "--auto-approve", "--parallelism", "1", "--ca-file", self.ca,
                      "--verbose", emulator=emu, env=env)
        self.assertExit(p, 0)
        tunnels = len(proxy.requests()) - before
        sent = [r for r in emu_requests(emu, self.ca)]
        # 10 imports, 10 assigns, the lists and the cut-over check through a few tunnels:
        # connections are kept alive inside the tunnel (XUNA's, Twilio's, Twilio's once)
        self.assertGreaterEqual(len(sent), 22)
        self.assertLessEqual(tunnels, 4, proxy.read_log())
        self.assertNoProxyPassword(out)

    def test_without_the_private_ca_the_tunnelled_certificate_is_refused(self):
        emu = self.start_tls_emulator()
        proxy = self.start_proxy(connect_port=emu.port)
        p = self.sync("plan", emulator=emu, env=self.env(https_proxy=self.proxy_url(proxy)))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("TLS failure", p.stderr)
        self.assertIn(f"CONNECT 127.0.0.1:{emu.port}", proxy.requests())

    def test_a_wrong_proxy_password_is_a_clear_error_that_shows_no_password(self):
        emu = self.start_tls_emulator()
        proxy = self.start_proxy(connect_port=emu.port, password=self.proxy_password)
        wrong = "wrong-" + os.urandom(8).hex()
        p = self.sync("plan", "--ca-file", self.ca, emulator=emu,
                      env=self.env(https_proxy=self.proxy_url(proxy, wrong)))
        self.assertExit(p, 1)
        self.assertIn(f"the proxy http://{PROXY_USER}:***@127.0.0.1:{proxy.port} refused to open "
                      f"a tunnel to 127.0.0.1:{emu.port}", p.stderr)
        self.assertNotIn(wrong, p.stderr + p.stdout)
        self.assertNoProxyPassword()

    def test_no_proxy_bypasses_the_proxy(self):
        emu = self.start_emulator(bulk_fixture(self, 10))
        proxy = self.start_proxy()
        for no_proxy in ("127.0.0.1", f"localhost,127.0.0.1:{emu.port}", "*"):
            p = self.sync("plan", "--detailed-exitcode", emulator=emu,
                          env=self.env(http_proxy=self.proxy_url(proxy), NO_PROXY=no_proxy))
            self.assertExit(p, 2)
        self.assertEqual(proxy.requests(), [])
        self.assertEqual(proxy.connections(), 0)
        # another port is not bypassed by a NO_PROXY entry with a port
        p = self.sync("plan", "--detailed-exitcode", emulator=emu,
                      env=self.env(http_proxy=self.proxy_url(proxy),
                                   no_proxy=f"127.0.0.1:{emu.port + 1}"))
        self.assertExit(p, 2)
        self.assertTrue(proxy.requests())

    def test_an_unreachable_proxy_is_named_without_its_password(self):
        emu = self.start_emulator(bulk_fixture(self, 10))
        port = free_port()
        p = self.sync("plan", "--timeout", "2", emulator=emu,
                      env=self.env(http_proxy=f"http://{PROXY_USER}:{self.proxy_password}"
                                              f"@127.0.0.1:{port}"))
        self.assertExit(p, 1)
        self.assertIn(f"connection refused by the proxy http://{PROXY_USER}:***@127.0.0.1:{port}",
                      p.stderr)
        self.assertNoProxyPassword()

    def test_a_proxy_url_it_cannot_use_is_a_usage_error(self):
        emu = self.start_emulator(bulk_fixture(self, 10))
        p = self.sync("plan", emulator=emu,
                      env=self.env(http_proxy=f"socks5://u:{self.proxy_password}@127.0.0.1:1080"))
        self.assertExit(p, 3)
        self.assertIn("http_proxy/HTTP_PROXY", p.stderr)
        self.assertNoProxyPassword()


def emu_requests(emu, ca):
    import json
    import ssl
    import urllib.request
    ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(emu.url + "/_emulator/requests", context=ctx, timeout=10) as r:
        return json.loads(r.read())


if __name__ == "__main__":
    require_tools("tinyproxy", "openssl")
    main()
