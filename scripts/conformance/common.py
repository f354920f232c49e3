"""Shared helpers for the conformance checks (loopback only, bounded waits)."""
import os
import socket
import subprocess
import sys
import threading
import time

# the JDK 21+ that scripts/find-jdk.sh would pick: $JAVA_HOME, else java on the PATH
JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
LOOPBACK = "127.0.0.1"


class Results:
    def __init__(self):
        self.rows = []

    def check(self, name, ok, detail=""):
        self.rows.append((name, bool(ok), detail))
        print("%s  %s%s" % ("PASS" if ok else "FAIL", name,
                            ("  -- " + str(detail)) if detail and (not ok or os.environ.get("VERBOSE")) else ""), flush=True)
        return ok

    def run(self, name, fn):
        """Run fn() -> (ok, detail); exceptions count as failures."""
        try:
            ok, detail = fn()
        except Exception as e:  # noqa
            ok, detail = False, "exception: %r" % (e,)
        return self.check(name, ok, detail)

    def summary(self):
        n = len(self.rows)
        bad = [r for r in self.rows if not r[1]]
        print("\n%d checks, %d passed, %d failed" % (n, n - len(bad), len(bad)))
        for name, _, d in bad:
            print("FAIL %s: %s" % (name, d))
        return 1 if bad else 0


def free_port():
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    p = s.getsockname()[1]
    s.close()
    # make sure the UDP side is free too
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind((LOOPBACK, p))
    finally:
        u.close()
    return p


class Proc:
    """A child process with its stdout/stderr collected by threads."""

    def __init__(self, args, home, stdin_data=None, env_extra=None):
        env = dict(os.environ)
        env["HOME"] = home
        env.update(env_extra or {})
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, cwd=home)
        self.out = bytearray()
        self.err = bytearray()
        self._t = [threading.Thread(target=self._pump, args=(self.p.stdout, self.out), daemon=True),
                   threading.Thread(target=self._pump, args=(self.p.stderr, self.err), daemon=True)]
        for t in self._t:
            t.start()
        if stdin_data is not None:
            try:
                self.p.stdin.write(stdin_data)
                self.p.stdin.close()
            except BrokenPipeError:
                pass

    @staticmethod
    def _pump(f, buf):
        while True:
            b = f.read1(65536) if hasattr(f, "read1") else f.read(4096)
            if not b:
                return
            buf += b

    def wait_for(self, needle, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if needle in self.out:
                return True
            if self.p.poll() is not None and needle not in self.out:
                time.sleep(0.1)
                return needle in self.out
            time.sleep(0.05)
        return False

    def wait(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=None, timeout=10):
        if self.p.poll() is None:
            if sig is None:
                self.p.terminate()
            else:
                self.p.send_signal(sig)
            if self.wait(timeout) is None:
                self.p.kill()
                self.wait(5)
        for t in self._t:
            t.join(2)
