"""What the contract tests share: the npm packages (installed by setup.sh into the build tree)
and the integration harness (xuna-emulator, xuna-sync)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402,F401  (re-exported for the tests)

# Where setup.sh puts node_modules: CTest passes XS_CONTRACT_NODE; by hand, the build dir
# next to XS_SYNC_BIN.
NODE_PREFIX = os.environ.get("XS_CONTRACT_NODE") or os.path.join(
    os.path.dirname(os.path.abspath(harness.SYNC)), "contract-node")


def setup_npm():
    """Installs the npm packages once; exits 125 (skipped) only when npm is unreachable."""
    build = os.path.dirname(NODE_PREFIX)
    p = subprocess.run(["bash", os.path.join(HERE, "setup.sh"), build])
    if p.returncode == 125:
        print("skipped: the npm registry cannot be reached")
        raise SystemExit(125)
    if p.returncode != 0:
        print(f"tests/contract/setup.sh failed (exit {p.returncode})")
        raise SystemExit(1)


def node_env():
    env = dict(os.environ)
    env["NODE_PATH"] = os.path.join(NODE_PREFIX, "node_modules")
    return env


def bin_path(name):
    return os.path.join(NODE_PREFIX, "node_modules", ".bin", name)
