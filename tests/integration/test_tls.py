"""HTTPS to the emulator with certificates made at test time (openssl): the client trusts a
private CA given by --ca-file, refuses without it, and refuses a certificate for another name."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers, desired_agents  # noqa: E402
from harness import Case, main, without_number_warnings  # noqa: E402


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(d):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=xuna-sync test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)


def make_server_cert(d, name, san):
    """A server certificate signed by the CA in d, for these subjectAltNames."""
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name, cwd=d)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext",
            cwd=d)
    return os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")


class Tls(Case):
    def setUp(self):
        super().setUp()
        if not shutil.which("openssl"):
            self.skipTest("openssl is not installed")
        self.pki = os.path.join(self.dir, "pki")
        os.makedirs(self.pki)
        make_ca(self.pki)
        self.ca = os.path.join(self.pki, "ca.pem")
        self.numbers = bulk_numbers(10)
        bulk_mapping(self, self.numbers)

    def start_tls(self, name, san):
        return self.start_emulator(bulk_fixture(self, 10), tls=make_server_cert(self.pki, name, san))

    def admin(self, emu, path):
        ctx = ssl.create_default_context(cafile=self.ca)
        with urllib.request.urlopen(emu.url + path, context=ctx, timeout=10) as r:
            return json.loads(r.read())

    def test_a_private_ca_given_by_ca_file_is_trusted(self):
        emu = self.start_tls("server", "DNS:localhost,IP:127.0.0.1")
        self.assertTrue(emu.url.startswith("https://127.0.0.1:"))
        p = self.sync("plan", "--detailed-exitcode", "--ca-file", self.ca, emulator=emu)
        self.assertExit(p, 2)
        self.assertIn("Plan: 10 to import, 10 to assign", p.stdout)
        # by name too: the certificate says localhost
        p = self.sync("plan", "--ca-file", self.ca, "--api-url", f"https://localhost:{emu.port}",
                      "--twilio-api-url", f"https://localhost:{emu.port}")
        self.assertExit(p, 0)
        # apply over TLS, with keep-alive
        before = self.admin(emu, "/_emulator/stats")["connections"]
        p = self.sync("apply", "--auto-approve", "--ca-file", self.ca, emulator=emu)
        self.assertExit(p, 0)
        used = self.admin(emu, "/_emulator/stats")["connections"] - before - 1
        self.assertLessEqual(used, 12)
        live = {n["phone_number"]: n for n in self.admin(emu, "/_emulator/numbers")}
        for n, agent in desired_agents(self.numbers).items():
            self.assertEqual(live[n]["agent_id"], agent)
        self.assertNoSecrets()

    def test_without_ca_file_the_certificate_is_refused(self):
        emu = self.start_tls("server", "DNS:localhost,IP:127.0.0.1")
        p = self.sync("plan", emulator=emu)
        self.assertExit(p, 1)
        self.assertIn("TLS", p.stderr)
        self.assertIn("GET /v1/convai/phone-numbers", p.stderr)
        self.assertIn("--ca-file adds a private CA", p.stderr)
        self.assertNotIn("retrying", p.stderr)  # a certificate problem is not transient
        self.assertLess(len(without_number_warnings(p.stderr).strip().splitlines()), 3, p.stderr)
        # the emulator saw no API request, and still serves one that trusts it
        self.assertEqual(self.admin(emu, "/_emulator/stats")["requests"], 0)
        self.assertExit(self.sync("plan", "--ca-file", self.ca, emulator=emu), 0)

    def test_a_certificate_for_another_name_is_refused_even_with_ca_file(self):
        emu = self.start_tls("elsewhere", "DNS:example.com")
        p = self.sync("plan", "--ca-file", self.ca, emulator=emu)
        self.assertExit(p, 1)
        self.assertIn("TLS", p.stderr)
        self.assertNotIn("retrying", p.stderr)
        p = self.sync("plan", "--ca-file", self.ca, "--api-url", f"https://localhost:{emu.port}",
                      "--twilio-api-url", f"https://localhost:{emu.port}")
        self.assertExit(p, 1)
        self.assertIn("TLS", p.stderr)
        self.assertEqual(self.admin_unverified(emu)["requests"], 0)

    def test_a_missing_ca_file_is_a_usage_error(self):
        emu = self.start_tls("server", "DNS:localhost,IP:127.0.0.1")
        p = self.sync("plan", "--ca-file", os.path.join(self.dir, "nope.pem"), emulator=emu)
        self.assertExit(p, 3)
        self.assertIn("nope.pem", p.stderr)

    def admin_unverified(self, emu):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(emu.url + "/_emulator/stats", context=ctx, timeout=10) as r:
            return json.loads(r.read())


if __name__ == "__main__":
    main()
