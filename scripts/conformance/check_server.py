#!/usr/bin/env python3
"""Conformance checks against chat-server, with lanchat_ref.py as the peer.

    python3 scripts/conformance/check_server.py --jar chat-server/target/chat-server.jar

Loopback only (127.0.0.1); every wait is bounded.
"""
import argparse
import os
import re
import signal
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanchat_ref as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import JAVA, LOOPBACK, Proc, Results, free_port  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

T = 5.0  # per-socket-operation timeout


def start_server(jar, home, port, extra=(), discovery=False):
    args = [JAVA, "-jar", jar, "--bind", LOOPBACK, "--port", str(port),
            "--identity", os.path.join(home, "id.pem")] + list(extra)
    if not discovery:
        args.append("--no-discovery")
    p = Proc(args, home)
    if not p.wait_for(b"Fingerprint:", 30):
        p.stop()
        raise RuntimeError("server did not start: %r %r" % (bytes(p.out), bytes(p.err)))
    m = re.search(rb"Fingerprint:\s*(SHA256:[A-Za-z0-9+/=]+)", bytes(p.out))
    # wait until the TCP port accepts
    end = time.time() + 15
    while time.time() < end:
        try:
            socket.create_connection((LOOPBACK, port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return p, m.group(1).decode()


def connect(port, **kw):
    return L.ClientConn(port, timeout=T).handshake(**kw)


def joined(port, name):
    c = connect(port)
    c.send(L.JOIN, name=name)
    w = c.recv()
    if w["type"] != "WELCOME":
        raise AssertionError("JOIN %r -> %r" % (name, w))
    c.welcome = w
    return c


def recv_until(c, typ, limit=50):
    """Receive messages until one of type `typ`; returns (msg, skipped)."""
    skipped = []
    for _ in range(limit):
        m = c.recv()
        if m["type"] == typ:
            return m, skipped
        skipped.append(m)
    raise AssertionError("no %s within %d messages: %r" % (typ, limit, skipped))


def sync(c, token=0x5157):
    """PING and collect everything until the PONG: returns list of messages before it."""
    c.send(L.PING, token=token)
    m, skipped = recv_until(c, "PONG")
    if m["token"] != token:
        raise AssertionError("PONG token %x != %x" % (m["token"], token))
    return skipped


def closed_by_peer(c, limit=20):
    """Read until the server closes; returns (closed, messages seen before close).

    A decrypt failure of a record from the server counts as 'not closed'."""
    seen = []
    try:
        for _ in range(limit):
            seen.append(c.recv())
    except (L.Closed, ConnectionResetError, BrokenPipeError):
        return True, seen
    except L.ProtocolError as e:
        if "inside a frame" in str(e):
            return True, seen
        return False, seen + ["local protocol error: %s" % e]
    except socket.timeout:
        return False, seen + ["timeout: still open after %ss" % T]
    return False, seen


def raw_closed(sock, limit=20):
    """Like closed_by_peer for a plaintext socket; returns (closed, frames seen)."""
    seen = []
    try:
        for _ in range(limit):
            seen.append(L.recv_frame(sock))
    except (L.Closed, ConnectionResetError, BrokenPipeError):
        return True, seen
    except L.ProtocolError:
        return True, seen
    except socket.timeout:
        return False, seen
    return False, seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "chat-server", "target", "chat-server.jar"))
    a = ap.parse_args()
    R = Results()
    home = tempfile.mkdtemp(prefix="lanchat-conf-srv-")
    port = free_port()
    srv, printed_fp = start_server(os.path.abspath(a.jar), home, port,
                                   ["--rate", "0", "--connect-rate", "0", "--motd", "motd-\u00e9"])
    try:
        run_tcp_checks(R, port, printed_fp)
        run_shutdown_check(R, srv, port)
    finally:
        srv.stop()
    run_discovery_checks(R, os.path.abspath(a.jar), home)
    run_rate_check(R, os.path.abspath(a.jar), home)
    run_limit_checks(R, os.path.abspath(a.jar), home)
    sys.exit(R.summary())


def run_tcp_checks(R, port, printed_fp):
    # ---- handshake
    def hs():
        c = L.ClientConn(port, timeout=T)
        sh = L.recv_frame(c.sock)
        if len(sh) != 104 or sh[:8] != b"LANCHAT\x01":
            return False, "ServerHello %d bytes, head %r" % (len(sh), sh[:8])
        c.close()
        c2 = connect(port)
        c3 = connect(port)
        fresh = c2.se != c3.se and c2.salt != c3.salt and c2.si == c3.si
        fp = L.fingerprint(c2.si)
        c2.close(); c3.close()
        return (fp == printed_fp and fresh,
                "fingerprint(Si)=%s printed=%s fresh(Se,salt)=%s" % (fp, printed_fp, fresh))
    R.run("handshake: ServerHello 104B, fresh Se/salt, fingerprint(Si) == printed", hs)

    def auth():
        c = connect(port, verify=False)
        ok = c.auth_ok and c.rx.seq == 1
        c.close()
        return ok, "SERVER_AUTH verifies=%s" % c.auth_ok
    R.run("SERVER_AUTH is record 0 and verifies over th", auth)

    # ---- before JOIN
    def ping_before():
        c = connect(port)
        c.send(L.PING, token=0xFFFFFFFFFFFFFFFF)
        m = c.recv()
        c.close()
        return m == {"type": "PONG", "token": 0xFFFFFFFFFFFFFFFF}, repr(m)
    R.run("PING before JOIN -> PONG same token", ping_before)

    def not_joined():
        c = connect(port)
        got = []
        for t, f in ((L.SAY, {"text": "hi"}), (L.WHO, {}), (L.C_DM, {"to": "x", "text": "hi"})):
            c.send(t, **f)
            got.append(c.recv())
        c.close()
        ok = all(m["type"] == "ERROR" and m["code"] == 8 for m in got)
        return ok, repr(got)
    R.run("SAY/WHO/DM before JOIN -> ERROR NOT_JOINED(8)", not_joined)

    # ---- join / welcome / joined
    alice = joined(port, "Alice")
    R.check("WELCOME: canonical name, motd, users includes you",
            alice.welcome["name"] == "Alice" and alice.welcome["motd"] == "motd-\u00e9"
            and "Alice" in alice.welcome["users"], repr(alice.welcome))
    bob = connect(port)
    bob.send(L.JOIN, name="bob")
    wb = bob.recv()
    R.check("WELCOME for 2nd user lists both", wb["type"] == "WELCOME" and
            sorted(wb["users"]) == ["Alice", "bob"], repr(wb))
    t0 = time.time() * 1000
    m = alice.recv()
    R.check("JOINED(time,name) to others", m["type"] == "JOINED" and m["name"] == "bob"
            and abs(m["time"] - t0) < 10000, repr(m))
    R.check("no JOINED to the joiner itself", sync(bob, 1) == [], "")

    def already():
        alice.send(L.JOIN, name="Zed")
        m = alice.recv()
        return m["type"] == "ERROR" and m["code"] == 9, repr(m)
    R.run("second JOIN -> ERROR ALREADY_JOINED(9)", already)

    def say():
        alice.send(L.SAY, text="hello \u00e9")
        now = time.time() * 1000
        ma = alice.recv(); mb = bob.recv()
        ok = (ma == mb and ma["type"] == "MESSAGE" and ma["from"] == "Alice"
              and ma["text"] == "hello \u00e9" and abs(ma["time"] - now) < 10000)
        return ok, "alice=%r bob=%r now=%d" % (ma, mb, now)
    R.run("SAY -> MESSAGE(time ms, from, text) to all incl. sender", say)

    def dm():
        alice.send(L.C_DM, to="BOB", text="psst")
        ea = alice.recv(); mb = bob.recv()
        ok = (ea == mb and ea["type"] == "DM" and ea["from"] == "Alice" and ea["to"] == "bob"
              and ea["text"] == "psst")
        return ok, "echo=%r bob=%r" % (ea, mb)
    R.run("DM by skeleton (/msg BOB -> bob), canonical names, echo to sender", dm)

    def dm_skel2():
        bob.send(L.C_DM, to="a1IcE", text="x")
        eb = bob.recv(); ma = alice.recv()
        return ea_ok(eb, ma, "bob", "Alice"), "echo=%r alice=%r" % (eb, ma)

    def ea_ok(e, m, f, t):
        return e == m and e["type"] == "DM" and e["from"] == f and e["to"] == t
    R.run("DM to 'a1IcE' reaches Alice (skeleton 0/1/i)", dm_skel2)

    def nosuch():
        alice.send(L.C_DM, to="nobody", text="x")
        m = alice.recv()
        return m["type"] == "ERROR" and m["code"] == 3 and sync(bob, 2) == [], repr(m)
    R.run("DM unknown -> ERROR NO_SUCH_USER(3), nothing delivered", nosuch)

    def who():
        alice.send(L.WHO)
        m = alice.recv()
        return m["type"] == "ROSTER" and sorted(m["users"]) == ["Alice", "bob"], repr(m)
    R.run("WHO -> ROSTER", who)

    def ping_after():
        alice.send(L.PING, token=0x0102030405060708)
        m = alice.recv()
        return m == {"type": "PONG", "token": 0x0102030405060708}, repr(m)
    R.run("PING after JOIN -> PONG", ping_after)

    # ---- names
    def taken():
        res = {}
        c = connect(port)
        for n in ("Alice", "alice", "A1ice", "alIce", "ALICE", "a1IcE", "BOB", "b0b"):
            c.send(L.JOIN, name=n)
            m = c.recv()
            res[n] = (m["type"], m.get("code"))
        c.send(L.JOIN, name="carol")  # JOIN again after a name error is allowed
        m = c.recv()
        alice_sees = recv_until(alice, "JOINED")[0]
        c.send(L.C_BYE)
        recv_until(alice, "LEFT"); recv_until(bob, "JOINED"); recv_until(bob, "LEFT")
        c.close()
        ok = all(v == ("ERROR", 1) for v in res.values()) and m["type"] == "WELCOME" \
            and alice_sees["name"] == "carol"
        return ok, "%r; retry->%r" % (res, m)
    R.run("NAME_TAKEN(1) by skeleton (Alice/alice/A1ice/alIce/ALICE, bob/BOB/b0b), retry JOIN ok", taken)

    def invalid_names():
        bad = ["", "a" * 25, "_x", "-x", ".x", "a b", "\u00e9t\u00e9", "a!", "a\x00", "x/y",
               "\u0430lice", "a\u200b", " a"]
        res = {}
        c = connect(port)
        for n in bad:
            c.send(L.JOIN, name=n)
            m = c.recv()
            res[repr(n)] = (m["type"], m.get("code"))
        good = "a" * 23 + "Z"
        c.send(L.JOIN, name="0" + "x_-.9" * 4 + "abc")
        m = c.recv()
        c.send(L.C_BYE)
        c.close()
        if m["type"] == "WELCOME":
            for x in (alice, bob):
                recv_until(x, "JOINED"); recv_until(x, "LEFT")
        ok = all(v == ("ERROR", 2) for v in res.values()) and m["type"] == "WELCOME"
        return ok, "%r; 24-char valid -> %r" % ({k: v for k, v in res.items() if v != ("ERROR", 2)}, m)
    R.run("NAME_INVALID(2) cases; 24-char name with _-. accepted", invalid_names)
    sync(alice, 3); sync(bob, 4)

    # ---- text validation
    def texts():
        bad = {"C0 \\x01": "a\x01b", "TAB": "a\tb", "LF": "a\nb", "ESC": "a\x1b[31mb",
               "DEL": "a\x7fb", "C1 U+0085": "a\u0085b", "C1 U+009B": "a\u009bb",
               "U+202E": "a\u202eb", "U+2066": "a\u2066b", "U+200E": "a\u200eb",
               "U+200B": "a\u200bb", "U+FEFF": "a\ufeffb", "U+2028": "a\u2028b",
               "U+2029": "a\u2029b", "U+E0041 tag": "a\U000e0041b", "U+00AD": "a\u00adb",
               "U+061C": "a\u061cb", "U+2060": "a\u2060b",
               "spaces": "   ", "mixed ws": " \u3000\u00a0 ", "empty": ""}
        res = {}
        for k, t in bad.items():
            alice.send(L.SAY, text=t)
            m = alice.recv()
            res[k] = (m["type"], m.get("code"))
        leaked = sync(bob, 5)
        wrong = {k: v for k, v in res.items() if v != ("ERROR", 4)}
        return not wrong and not leaked, "not TEXT_INVALID: %r; delivered to bob: %r" % (wrong, leaked)
    R.run("TEXT_INVALID(4): C0/TAB/LF/ESC/DEL/C1/bidi/ZW/BOM/LS/PS/tag/SHY/ALM/WJ/whitespace/empty", texts)

    def sweep():
        import unicodedata
        must_bad = [chr(c) for c in range(0x110000)
                    if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp") and c not in (0x200C, 0x200D)]
        wrong = []
        for ch in must_bad:
            alice.send(L.SAY, text="x" + ch + "y")
            m = alice.recv()
            if not (m["type"] == "ERROR" and m["code"] == 4):
                wrong.append("U+%04X" % ord(ch))
        leaked = sync(bob, 7)
        okish = ["\uffff", "\U0010ffff", "\ue000", "e\u0301", "x\u0378y", "\u00a0x", "\u3000x",
                 "\u2800", "\U000e0100", "\u180b", "\u034f", "\u3164", "\u200d", "a\u200cb"]
        rej = []
        for t in okish:
            alice.send(L.SAY, text=t)
            m = alice.recv()
            if m["type"] != "MESSAGE":
                rej.append(t.encode("unicode_escape").decode())
            else:
                bob.recv()
        return not wrong and not leaked and not rej, \
            "%d Cc/Cf/Zl/Zp (Unicode %s) tried; accepted: %s; other categories rejected: %s" % (
                len(must_bad), unicodedata.unidata_version, wrong[:20], rej)
    R.run("TEXT sweep: every Cc/Cf/Zl/Zp code point (except U+200C/D) -> TEXT_INVALID; Mn/Co/Cn/Zs+x/U+200D OK", sweep)

    def dm_text():
        alice.send(L.C_DM, to="bob", text="x\u202ey")
        m = alice.recv()
        return m["type"] == "ERROR" and m["code"] == 4 and sync(bob, 6) == [], repr(m)
    R.run("DM text validated too (U+202E -> TEXT_INVALID)", dm_text)

    def lengths():
        out = {}
        t4097 = "a" * 4097
        alice.send(L.SAY, text=t4097)
        out["4097"] = alice.recv()
        t4096 = "\u20ac" * 1365 + "a"  # 3*1365+1 = 4096 bytes
        assert len(t4096.encode()) == 4096
        alice.send(L.SAY, text=t4096)
        out["4096"] = alice.recv()
        b4096 = bob.recv()
        emoji = "\U0001F468\u200D\U0001F469\u200D\U0001F467 fam\u200c"
        alice.send(L.SAY, text=emoji)
        out["zwj"] = alice.recv()
        bob.recv()
        ok = (out["4097"]["type"] == "ERROR" and out["4097"]["code"] == 5 and
              out["4096"]["type"] == "MESSAGE" and out["4096"]["text"] == t4096 and b4096 == out["4096"] and
              out["zwj"]["type"] == "MESSAGE" and out["zwj"]["text"] == emoji)
        return ok, repr({k: (v["type"], v.get("code")) for k, v in out.items()})
    R.run("TEXT_TOO_LONG(5) at 4097 B; 4096 B OK; U+200D/U+200C emoji OK", lengths)

    def big_frame():
        # a valid 65,536-byte frame (65,520 B plaintext) is not a frame error
        t = "a" * (65520 - 3)
        alice.send(L.SAY, text=t)
        m = alice.recv()
        return m["type"] == "ERROR" and m["code"] == 5, repr((m["type"], m.get("code")))
    R.run("max frame 65536 (plaintext 65520) accepted -> TEXT_TOO_LONG, not closed", big_frame)

    # ---- leave reasons
    def leave_bye():
        c = joined(port, "dave")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        c.send(L.C_BYE)
        closed, seen = closed_by_peer(c)
        m = recv_until(alice, "LEFT")[0]
        recv_until(bob, "LEFT")
        return m["name"] == "dave" and m["reason"] == "", "LEFT=%r; server closed after BYE=%s %r" % (m, closed, seen)
    R.run("BYE -> others get LEFT reason empty", leave_bye)

    def leave_close():
        c = joined(port, "erin")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        c.close()
        m = recv_until(alice, "LEFT")[0]
        recv_until(bob, "LEFT")
        return m["name"] == "erin" and m["reason"] == "connection lost", repr(m)
    R.run("socket close -> LEFT 'connection lost'", leave_close)

    # ---- strict parsing (joined peer; observer alice sees LEFT 'protocol error')
    def strict(name, plaintext=None, frame=None, before_join=False):
        def f():
            c = connect(port) if before_join else joined(port, "mallory")
            if not before_join:
                recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
            if plaintext is not None:
                c.send_raw_plain(plaintext)
            else:
                frame(c)
            closed, seen = closed_by_peer(c)
            detail = "closed=%s seen=%r" % (closed, seen)
            if before_join:
                c.close()
                return closed, detail
            m = recv_until(alice, "LEFT")[0]
            recv_until(bob, "LEFT")
            c.close()
            return closed and m["reason"] == "protocol error", detail + " LEFT=%r" % m
        R.run(name, f)

    strict("unknown type 0x7f -> close, LEFT 'protocol error'", b"\x7f")
    strict("s2c type 0x21 from client -> close", L.encode_s2c(L.MESSAGE, time=1, **{"from": "a", "text": "b"}))
    strict("empty plaintext -> close", b"")
    strict("trailing byte after WHO -> close", b"\x13\x00")
    strict("trailing byte after SAY -> close", L.encode_c2s(L.SAY, text="hi") + b"\x00")
    strict("truncated str (len 10, 3 bytes) -> close", b"\x11\x00\x0aabc")
    strict("truncated u16 length -> close", b"\x11\x00")
    strict("truncated PING token -> close", b"\x14\x00\x00\x00")
    strict("DM missing text field -> close", b"\x12" + L.enc_str("bob"))
    strict("invalid UTF-8 (0xff) -> close", b"\x11\x00\x03a\xffb")
    strict("overlong UTF-8 (C0 AF) -> close", b"\x11\x00\x03a\xc0\xaf")
    strict("surrogate UTF-8 (ED A0 80) -> close", b"\x11\x00\x03\xed\xa0\x80")
    strict("truncated UTF-8 seq (E2 82) -> close", b"\x11\x00\x02\xe2\x82")
    strict("invalid UTF-8 in JOIN before WELCOME -> close", b"\x10\x00\x02\xc3\x28", before_join=True)

    def tamper(c):
        ct = bytearray(c.tx.seal(L.encode_c2s(L.SAY, text="tampered")))
        ct[0] ^= 1
        L.send_frame(c.sock, bytes(ct))
    strict("tampered record -> close, never delivered", frame=tamper)

    def replay(c):
        ct = c.tx.seal(L.encode_c2s(L.PING, token=7))
        L.send_frame(c.sock, ct)
        m = c.recv()
        assert m["type"] == "PONG"
        L.send_frame(c.sock, ct)
    strict("replayed record -> close", frame=replay)

    def skip(c):
        c.tx.seq += 1  # "drop" record 0
        c.send(L.PING, token=1)
    strict("skipped seq (dropped record) -> close", frame=skip)

    def reflect(c):
        # send the server's own SERVER_AUTH-like record back: sealed with k_s2c seq 0
        # re-derive k_s2c from stored state
        shared = L.x25519_shared(c.ce_priv, c.se)
        _, _, k_s2c = L.key_schedule(shared, c.sh, c.ch)
        L.send_frame(c.sock, L.Channel(k_s2c).seal(L.encode_c2s(L.PING, token=1)))
    strict("reflected record (k_s2c) -> close", frame=reflect)

    def flen(n):
        def f(c):
            c.sock.sendall(struct.pack(">I", n))
        return f
    strict("record frame length 0 -> close", frame=flen(0))
    strict("record frame length 65537 -> close", frame=flen(65537))
    strict("record frame length 0xFFFFFFFF -> close", frame=flen(0xFFFFFFFF))

    def trunc_frame(c):
        c.sock.sendall(struct.pack(">I", 100) + b"x" * 10)
        c.sock.shutdown(socket.SHUT_WR)
    def f_trunc():
        c = joined(port, "mallory")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        trunc_frame(c)
        m = recv_until(alice, "LEFT")[0]
        recv_until(bob, "LEFT")
        c.close()
        return m["reason"] in ("connection lost", "protocol error"), repr(m)
    R.run("stream ends inside a frame -> LEFT (peer vanished)", f_trunc)

    # ---- ClientHello errors (raw, before keys)
    def bad_hello(name, payload=None, raw=None):
        def f():
            s = socket.create_connection((LOOPBACK, port), timeout=T)
            sh = L.recv_frame(s)
            s.sendall(raw if raw is not None else L.frame(payload))
            closed, seen = raw_closed(s)
            s.close()
            return closed and not seen, "closed=%s frames after hello=%r" % (closed, [len(x) for x in seen])
        R.run(name, f)
    ce = L.x25519_pub(X25519PrivateKey.generate())
    bad_hello("ClientHello wrong magic -> close, no SERVER_AUTH", b"LANCHAX\x01" + ce)
    bad_hello("ClientHello version 2 -> close", b"LANCHAT\x02" + ce)
    bad_hello("ClientHello version 0 -> close", b"LANCHAT\x00" + ce)
    bad_hello("ClientHello 39 bytes -> close", b"LANCHAT\x01" + ce[:31])
    bad_hello("ClientHello 41 bytes -> close", b"LANCHAT\x01" + ce + b"\x00")
    bad_hello("ClientHello frame length 0 -> close", raw=struct.pack(">I", 0))
    bad_hello("ClientHello frame length 65537 -> close", raw=struct.pack(">I", 65537))

    def low_order(name, u):
        def f():
            s = socket.create_connection((LOOPBACK, port), timeout=T)
            sh = L.recv_frame(s)
            ch = L.client_hello(u)
            s.sendall(L.frame(ch))
            closed, seen = raw_closed(s)
            s.close()
            usable = False
            th, kc, ks = L.key_schedule(bytes(32), sh, ch)
            for fr in seen[:1]:
                try:
                    L.Channel(ks).open(fr)
                    usable = True
                except L.ProtocolError:
                    pass
            return closed and not usable, "closed=%s frames=%d usable_under_zero_secret=%s" % (
                closed, len(seen), usable)
        R.run(name, f)
    low_order("low-order Ce u=0 -> close, no usable SERVER_AUTH", bytes(32))
    low_order("low-order Ce u=1 -> close", (1).to_bytes(32, "little"))
    low_order("low-order Ce order-8 point -> close",
              bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"))
    low_order("low-order Ce u=p (non-canonical 0) -> close",
              ((1 << 255) - 19).to_bytes(32, "little"))

    def no_hello_timeout_ok():
        # a half-open client that never sends ClientHello is closed (handshake timeout 10 s)
        s = socket.create_connection((LOOPBACK, port), timeout=15)
        L.recv_frame(s)
        t = time.time()
        closed, seen = raw_closed(s)
        s.close()
        return closed and time.time() - t < 14, "closed=%s after %.1fs" % (closed, time.time() - t)
    R.run("no ClientHello -> closed by accept->WELCOME timeout (10 s)", no_hello_timeout_ok)

    def bye_before_join():
        c = connect(port)
        c.send(L.C_BYE)
        closed, seen = closed_by_peer(c)
        c.close()
        return closed and all(m["type"] != "ERROR" for m in seen), "closed=%s seen=%r" % (closed, seen)
    R.run("BYE before JOIN accepted (no NOT_JOINED), connection ends", bye_before_join)

    def total_order():
        carol = joined(port, "carol")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        for i in range(15):
            alice.send(L.SAY, text="a%d" % i)
            bob.send(L.SAY, text="b%d" % i)
            carol.send(L.SAY, text="c%d" % i)
        seqs = []
        for c in (alice, bob, carol):
            got = []
            for _ in range(200):
                m = c.recv()
                if m["type"] == "MESSAGE":
                    got.append(m["from"] + ":" + m["text"])
                if len(got) == 45:
                    break
            seqs.append(got)
        carol.send(L.C_BYE); carol.close()
        recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
        per_sender_ok = all([x for x in sq if x.startswith("Alice:")] == ["Alice:a%d" % i for i in range(15)]
                            for sq in seqs)
        return seqs[0] == seqs[1] == seqs[2] and per_sender_ok and len(seqs[0]) == 45, \
            "alice/bob/carol orders equal=%s" % (seqs[0] == seqs[1] == seqs[2])
    R.run("3 concurrent senders: same total MESSAGE order at every client", total_order)

    # keep alice/bob for shutdown check
    R.alice, R.bob = alice, bob


def run_shutdown_check(R, srv, port):
    def f():
        alice = R.alice
        srv.p.send_signal(signal.SIGTERM)
        m, skipped = recv_until(alice, "BYE")
        closed, seen = closed_by_peer(alice)
        rc = srv.wait(15)
        return m["reason"] != "" and closed, "BYE=%r closed=%s rc=%r" % (m, closed, rc)
    R.run("SIGTERM -> BYE(reason non-empty) then close", f)


def run_discovery_checks(R, jar, home):
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--name", "conf-\u00e9-srv"], discovery=True)
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(1.0)
        u.bind((LOOPBACK, 0))

        def ask(dgram, wait=1.0):
            u.sendto(dgram, (LOOPBACK, port))
            u.settimeout(wait)
            try:
                d, addr = u.recvfrom(2048)
                return d
            except socket.timeout:
                return None

        def good():
            req, n = L.discovery_request()
            d = None
            for _ in range(3):  # UDP: the server may still be starting its socket
                d = ask(req)
                if d is not None:
                    break
                time.sleep(0.5)
            if d is None:
                return False, "no reply"
            r = L.parse_discovery_reply(d, n)
            ok = (r["port"] == port and L.fingerprint(r["si"]) == fp and len(d) <= len(req)
                  and r["name"] == "conf-\u00e9-srv")
            return ok, "len=%d reply=%r fp=%s" % (len(d), {k: v for k, v in r.items() if k != "sig"}, fp)
        R.run("discovery: 160 B request -> signed reply, layout ok, <= request", good)
        time.sleep(0.2)

        def wrong_nonce():
            req, n = L.discovery_request()
            d = ask(req)
            try:
                L.parse_discovery_reply(d, os.urandom(32))
                return False, "verifies under a different nonce"
            except L.ProtocolError:
                return True, ""
        R.run("discovery: signature binds the nonce", wrong_nonce)

        cases = {
            "159 B": L.discovery_request()[0][:159],
            "161 B": L.discovery_request()[0] + b"\x00",
            "9 B header only": b"LANCHAT?\x01",
            "garbage 160 B": os.urandom(160),
            "wrong version 160 B": b"LANCHAT?\x02" + os.urandom(32) + bytes(119),
            "reply magic 160 B": b"LANCHAT!\x01" + os.urandom(32) + bytes(119),
        }
        time.sleep(0.2)
        d = ask(b"LANCHAT?\x01" + os.urandom(151))
        R.check("discovery: 160 B with non-zero padding -> reply (§8 ignores only shorter / bad head)",
                d is not None, "no reply")
        for k, dg in cases.items():
            time.sleep(0.15)
            R.run("discovery: %s -> no reply" % k,
                  lambda dg=dg: ((lambda d: (d is None, "reply %r" % (d,)))(ask(dg, 1.0))))

        def ratelimit():
            time.sleep(1.2)
            got = 0
            for _ in range(40):
                req, n = L.discovery_request()
                u.sendto(req, (LOOPBACK, port))
            u.settimeout(1.0)
            end = time.time() + 2
            while time.time() < end:
                try:
                    u.recvfrom(2048); got += 1
                except socket.timeout:
                    break
            return got <= 21, "%d replies to 40 requests sent at once" % got
        R.run("discovery: at most ~20 replies/s (40 sent at once)", ratelimit)
        u.close()
    finally:
        srv.stop()


def run_rate_check(R, jar, home):
    # default limits: burst 20 messages -> the 21st+ get RATE_LIMITED, nothing silently lost
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "0"])
    try:
        def f():
            c = joined(port, "speedy")
            for i in range(30):
                c.send(L.SAY, text="m%d" % i)
            msgs, errs = 0, 0
            for _ in range(30):
                m = c.recv()
                if m["type"] == "MESSAGE":
                    msgs += 1
                elif m["type"] == "ERROR" and m["code"] == 6:
                    errs += 1
            c.close()
            # JOIN is itself one of the "messages per client" (§7), so 19 or 20 SAYs fit the burst
            return msgs + errs == 30 and errs > 0 and msgs in (19, 20), "MESSAGE=%d RATE_LIMITED=%d" % (msgs, errs)
        R.run("rate limit: 30 SAYs at once -> burst delivered, rest ERROR RATE_LIMITED(6)", f)
    finally:
        srv.stop()


def run_limit_checks(R, jar, home):
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--max-clients", "1", "--idle-timeout", "2",
                                             "--handshake-timeout", "2", "--connect-rate", "0"])
    try:
        def full():
            a = joined(port, "first")
            c = connect(port)
            seen = []
            try:
                c.send(L.JOIN, name="second")
            except OSError:
                pass
            closed, seen = closed_by_peer(c)
            c.close()
            a.close()
            ok = closed and any(m["type"] == "ERROR" and m["code"] == 7 for m in seen if isinstance(m, dict))
            return ok, "closed=%s seen=%r" % (closed, seen)
        R.run("max-clients 1: 2nd client gets ERROR SERVER_FULL(7) after handshake, closed", full)
        time.sleep(0.5)

        def idle():
            a = joined(port, "watcher")
            # max-clients is 1 here, so the idle client is the watcher itself: it gets closed
            t = time.time()
            closed, seen = closed_by_peer(a)
            return closed and 1.5 < time.time() - t < 4.5, "closed=%s after %.1fs seen=%r" % (
                closed, time.time() - t, seen)
        R.run("idle-timeout 2: silent joined client closed after ~2 s", idle)
        time.sleep(0.5)

        def hs_timeout():
            c = connect(port)
            t = time.time()
            closed, seen = closed_by_peer(c)
            c.close()
            return closed and 1.5 < time.time() - t < 4.5, "closed=%s after %.1fs seen=%r" % (
                closed, time.time() - t, seen)
        R.run("handshake-timeout 2: handshaken but never joined -> closed after ~2 s", hs_timeout)
    finally:
        srv.stop()

    port = free_port()
    srv, fp = start_server(jar, home, port, ["--idle-timeout", "2", "--connect-rate", "0"])
    try:
        def idle_left():
            a = joined(port, "watcher")
            b = joined(port, "sleeper")
            recv_until(a, "JOINED")
            end = time.time() + 5
            left = None
            while time.time() < end and left is None:
                a.send(L.PING, token=1)
                for m in (a.recv(),):
                    if m["type"] == "LEFT":
                        left = m
                        break
                time.sleep(0.3)
            a.close(); b.close()
            return left is not None and left["name"] == "sleeper" and left["reason"] == "timed out", repr(left)
        R.run("idle-timeout: others get LEFT 'timed out'", idle_left)
    finally:
        srv.stop()

    port = free_port()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "1", "--connect-burst", "2"])
    try:
        def conn_rate():
            time.sleep(2.5)
            res = []
            for i in range(5):
                s = socket.create_connection((LOOPBACK, port), timeout=T)
                try:
                    res.append(len(L.recv_frame(s)))
                except (L.Closed, L.ProtocolError, ConnectionResetError, socket.timeout) as e:
                    res.append(type(e).__name__)
                s.close()
            ok = res[:2] == [104, 104] and all(x != 104 for x in res[2:])
            return ok, repr(res)
        R.run("connect-rate 1 burst 2: 3rd..5th connection closed before ServerHello", conn_rate)
    finally:
        srv.stop()

    def long_name():
        port = free_port()
        p = Proc([JAVA, "-jar", jar, "--bind", LOOPBACK, "--port", str(port), "--identity",
                  os.path.join(home, "id.pem"), "--name", "n" * 49], home)
        rc = p.wait(20)
        up = rc is None
        d = None
        if up:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
            req, n = L.discovery_request()
            time.sleep(1)
            u.sendto(req, (LOOPBACK, port))
            try:
                d = u.recv(2048)
            except socket.timeout:
                pass
            u.close()
        p.stop()
        if not up:
            return rc != 0, "refused to start, rc=%r err=%r" % (rc, bytes(p.err)[-200:])
        r = L.parse_discovery_reply(d, n) if d else None
        return r is not None and len(r["name"].encode()) <= 48, "running; reply=%r" % (r,)
    R.run("--name of 49 bytes: refused, or reply name <= 48 bytes", long_name)


if __name__ == "__main__":
    main()
