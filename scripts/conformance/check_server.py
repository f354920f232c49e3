#!/usr/bin/env python3
"""Conformance checks against chat-server, with lanchat_ref.py as the peer.

    python3 scripts/conformance/check_server.py --jar chat-server/target/chat-server.jar

Loopback only (127.0.0.1); every wait is bounded.
"""
import argparse
import hashlib
import hmac
import os
import re
import secrets
import signal
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanchat_ref as L  # noqa: E402
import check_join_code_vectors as J  # noqa: E402  (P-256, Schnorr proofs, round layouts)
import e2e_ref as E  # noqa: E402  (the end-to-end layer, shared with check_e2e_vectors.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import JAVA, LOOPBACK, Proc, Results, free_port  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

T = 5.0  # per-socket-operation timeout
SERVER_NAME = "conf-srv-\u00e9"


HELP = {}


def server_help(jar, home):
    """The server's --help text (options beyond the page are used only when it lists them)."""
    if jar not in HELP:
        p = Proc([JAVA, "-Duser.home=" + home, "-jar", jar, "--help"], home)
        p.wait(30)
        p.stop()
        HELP[jar] = bytes(p.out).decode("utf-8", "replace")
    return HELP[jar]


def store_path(home):
    return os.path.join(home, ".lanchat", "server.db")


def start_server(jar, home, port, extra=(), discovery=False, jvm=()):
    # -Duser.home keeps every default file (the store included) inside the temp home
    args = [JAVA, "-Duser.home=" + home] + list(jvm) + ["-jar", jar, "--bind", LOOPBACK, "--port", str(port),
            "--identity", os.path.join(home, "id.pem")] + list(extra)
    if "--data" in server_help(jar, home):
        args += ["--data", store_path(home)]
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


KEYS = {}  # skeleton -> the key our checks join that name with (names are bound to keys, §5.6)


def key_for(name):
    return KEYS.setdefault(L.skeleton(name), L.Ed25519PrivateKey.generate())


def same_room(a, b):
    return L.room_skeleton(a) == L.room_skeleton(b)


def enter(c, room="#general", since=0, limit=5000, flags=0):
    """ENTER and read the answer of §5.9: ENTERED, the ROSTER records, `history` events, then
    the live events up to our own JOINED. Returns a dict (entered, rosters, entries, history,
    own, order, other: messages not of this room seen meanwhile); on ERROR, {"error": msg}."""
    c.send(L.ENTER, room=room, since=since, flags=flags)
    out = {"rosters": [], "entries": [], "history": [], "order": [], "other": [], "live_before_own": []}
    for _ in range(limit):
        m = c.recv()
        ofroom = m.get("room") is not None and same_room(m["room"], room)
        if m["type"] == "ERROR" and "entered" not in out:
            out["error"] = m
            return out
        if not ofroom:
            out["other"].append(m)
            continue
        out["order"].append(m["type"])
        if m["type"] == "ENTERED":
            out["entered"] = m
        elif m["type"] == "ROSTER":
            out["rosters"].append(m)
            out["entries"] += m["entries"]
        elif "etype" in m:
            if len(out["history"]) < out.get("entered", {}).get("history", 0):
                out["history"].append(m)
            elif m["type"] == "JOINED" and m["sender"] == c.ci:
                out["own"] = m
                return out
            else:
                out["live_before_own"].append(m)
    raise AssertionError("no own JOINED in %s: %r" % (room, out))


def joined(port, name, identity=None, room="#general", batch_ok=None):
    """JOIN, WELCOME, then (unless room is None) ENTER room as our client does (§5.1). batch_ok
    True/False: send BATCH_OK right after WELCOME or not, whatever --batch-ok says (§5.13)."""
    c = connect(port, identity=identity or key_for(name))
    if batch_ok is not None:
        c.auto_batch_ok = batch_ok
    c.send(L.JOIN, name=name)
    w = c.recv()
    if w["type"] != "WELCOME":
        raise AssertionError("JOIN %r -> %r" % (name, w))
    c.welcome = w
    if room is not None:
        c.entry = enter(c, room)
        if "error" in c.entry:
            raise AssertionError("ENTER %s -> %r" % (room, c.entry["error"]))
    return c


def recv_until(c, typ, limit=5000):
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
    ap.add_argument("--only", choices=["join-code", "key-update", "rooms", "basic", "e2e", "batch"],
                    help="run one block of checks only")
    ap.add_argument("--batch-ok", action="store_true",
                    help="every Python client sends BATCH_OK right after WELCOME, as our client does, and "
                         "reads the BATCH records that may follow (§5.13); without it none does")
    a = ap.parse_args()
    L.AUTO_BATCH_OK = a.batch_ok
    R = Results()
    if a.only == "batch":
        run_batch_checks(R, os.path.abspath(a.jar))
        sys.exit(R.summary())
    if a.only == "join-code":
        run_join_code_checks(R, os.path.abspath(a.jar))
        sys.exit(R.summary())
    if a.only == "key-update":
        run_key_update_checks(R, os.path.abspath(a.jar))
        sys.exit(R.summary())
    if a.only == "e2e":
        run_e2e_checks(R, os.path.abspath(a.jar))
        sys.exit(R.summary())
    if a.only == "rooms":
        run_rooms_checks(R, os.path.abspath(a.jar))
        run_room_option_checks(R, os.path.abspath(a.jar))
        sys.exit(R.summary())
    home = tempfile.mkdtemp(prefix="lanchat-conf-srv-")
    port = free_port()
    srv, printed_fp = start_server(os.path.abspath(a.jar), home, port,
                                   ["--rate", "0", "--connect-rate", "0", "--motd", "motd-\u00e9",
                                    "--name", SERVER_NAME])
    try:
        run_tcp_checks(R, port, printed_fp)
        run_shutdown_check(R, srv, port)
    finally:
        srv.stop()
    if a.only == "basic":
        sys.exit(R.summary())
    run_rooms_checks(R, os.path.abspath(a.jar))
    run_room_option_checks(R, os.path.abspath(a.jar))
    run_discovery_checks(R, os.path.abspath(a.jar), home)
    run_rate_check(R, os.path.abspath(a.jar), home)
    run_limit_checks(R, os.path.abspath(a.jar), home)
    run_store_checks(R, os.path.abspath(a.jar))
    run_allowlist_checks(R, os.path.abspath(a.jar))
    run_join_code_checks(R, os.path.abspath(a.jar))
    run_key_update_checks(R, os.path.abspath(a.jar))
    run_e2e_checks(R, os.path.abspath(a.jar))
    run_batch_checks(R, os.path.abspath(a.jar))
    print("INFO  batches over the whole run (--batch-ok %s): %d BATCH records holding %d messages" % (
        "on" if a.batch_ok else "off", L.BATCH_STATS["records"], L.BATCH_STATS["messages"]))
    sys.exit(R.summary())


def run_tcp_checks(R, port, printed_fp):
    # ---- handshake
    def hs():
        c = L.ClientConn(port, timeout=T)
        sh = L.recv_frame(c.sock)
        if len(sh) != 104 or sh[:8] != b"LANCHAT\x02":
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
        for t, f in ((L.SAY, {"text": "hi"}), (L.WHO, {}), (L.C_DM, {"to": "x", "text": "hi"}),
                     (L.ENTER, {"room": "#general", "since": 0}), (L.PART, {"room": "#general", "message": ""}),
                     (L.ME, {"text": "hi"}), (L.NICK, {"name": "zz"}), (L.C_TOPIC, {"room": "#general", "topic": ""}),
                     (L.AWAY, {"text": "x"}), (L.ROOMS, {})):
            c.send(t, **f)
            got.append(c.recv())
        c.close()
        ok = all(m["type"] == "ERROR" and m["code"] == 8 for m in got)
        return ok, repr(got)
    R.run("SAY/WHO/DM/ENTER/PART/ME/NICK/TOPIC/AWAY/ROOMS before JOIN -> ERROR NOT_JOINED(8)", not_joined)

    # ---- join / welcome / joined
    alice = joined(port, "Alice")
    R.check("WELCOME: canonical name, server name, motd, max_rooms 20",
            alice.welcome["name"] == "Alice" and alice.welcome["motd"] == "motd-\u00e9"
            and alice.welcome["server"] == SERVER_NAME
            and alice.welcome["max_rooms"] == 20, repr(alice.welcome))
    R.check("ENTER #general: ENTERED, then ROSTER = [(you, your key, not away)], then your own JOINED",
            alice.entry["entered"]["members"] >= 1 and alice.entry["entries"][-1] == (("Alice", alice.ci), "")
            and alice.entry["own"]["member"] == ("Alice", alice.ci) and alice.entry["order"][0] == "ENTERED"
            and alice.entry["rosters"][-1]["more"] == 0, repr(alice.entry))
    R.check("WELCOME rate/burst = the server's --rate 0 (no limit) and default burst 20",
            alice.welcome["rate"] == 0 and alice.welcome["burst"] == 20,
            "rate=%r burst=%r" % (alice.welcome["rate"], alice.welcome["burst"]))
    t0 = time.time() * 1000
    bob = joined(port, "bob")
    wb = bob.entry
    R.check("ROSTER for the 2nd member lists both, in entry order, with their keys",
            [e for e, _ in wb["entries"]] == [("Alice", alice.ci), ("bob", bob.ci)], repr(wb))
    m = alice.recv()
    R.check("JOINED(envelope, member=(name, key)) to others, same id and head as the joiner's own",
            m["type"] == "JOINED" and m["member"] == ("bob", bob.ci) and m["sender"] == bob.ci
            and abs(m["time"] - t0) < 10000 and m["id"] == wb["own"]["id"] and m["head"] == wb["own"]["head"],
            "alice got %r, bob's own %r" % (m, wb["own"]))
    R.check("the joiner's first live event is its own JOINED, nothing after it", sync(bob, 1) == [], "")

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
              and ea["text"] == "psst" and ea["status"] == 0 and ea["note"] == "")
        return ok, "echo=%r bob=%r" % (ea, mb)
    R.run("DM by skeleton (/msg BOB -> bob), canonical names, echo to sender, both status 0 note ''", dm)

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
        alice.send(L.WHO, room="#GENERAL")
        m = alice.recv()
        return m["type"] == "ROSTER" and m["room"] == "#general" and m["more"] == 0 and \
            m["entries"] == [(("Alice", alice.ci), ""), (("bob", bob.ci), "")], repr(m)
    R.run("WHO #GENERAL -> ROSTER #general, more 0, members with keys and away '', in entry order", who)

    def ping_after():
        alice.send(L.PING, token=0x0102030405060708)
        m = alice.recv()
        return m == {"type": "PONG", "token": 0x0102030405060708}, repr(m)
    R.run("PING after JOIN -> PONG", ping_after)

    # ---- names
    def taken():
        # alice's own key on a second connection: her names are bound to her, so only
        # NAME_TAKEN applies (§5.1 checks NAME_BOUND first); "BOB"/"b0b" are bob's.
        res = {}
        c = connect(port, identity=alice.identity)
        texts = {}
        for n in ("Alice", "alice", "A1ice", "alIce", "ALICE", "a1IcE"):
            c.send(L.JOIN, name=n)
            m = c.recv()
            res[n] = (m["type"], m.get("code"))
            texts[n] = m.get("text")
        c.close()
        # another key: bob's names are bound to bob (NAME_BOUND), then JOIN again with a free name
        c = connect(port, identity=key_for("carol"))
        for n in ("BOB", "b0b"):
            c.send(L.JOIN, name=n)
            m = c.recv()
            res[n] = (m["type"], m.get("code"))
            texts[n] = m.get("text")
        c.send(L.JOIN, name="carol")  # JOIN again after a name error is allowed
        m = c.recv()
        enter(c)
        alice_sees = recv_until(alice, "JOINED")[0]
        c.send(L.C_BYE, message="")
        recv_until(alice, "LEFT"); recv_until(bob, "JOINED"); recv_until(bob, "LEFT")
        c.close()
        ok = all(res[n] == ("ERROR", 1) for n in ("Alice", "alice", "A1ice", "alIce", "ALICE", "a1IcE")) \
            and all(res[n] == ("ERROR", 12) for n in ("BOB", "b0b")) and m["type"] == "WELCOME" \
            and alice_sees["member"] == ("carol", c.ci)
        R.check("NAME_TAKEN texts (§5.6): 'the name Alice is taken' / 'the name alice is too close to Alice, which is taken'",
                texts["Alice"] == "the name Alice is taken"
                and texts["alice"] == "the name alice is too close to Alice, which is taken"
                and texts["A1ice"] == "the name A1ice is too close to Alice, which is taken", repr(texts))
        return ok, "%r; retry->%r" % (res, m)
    R.run("same key: NAME_TAKEN(1) by skeleton (Alice/alice/A1ice/alIce/ALICE); other key's bob/BOB/b0b NAME_BOUND(12); retry JOIN ok", taken)

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
        c.send(L.C_BYE, message="")
        c.close()
        ok = all(v == ("ERROR", 2) for v in res.values()) and m["type"] == "WELCOME"
        return ok, "%r; 24-char valid -> %r" % ({k: v for k, v in res.items() if v != ("ERROR", 2)}, m)
    R.run("NAME_INVALID(2) cases; 24-char name with _-. accepted", invalid_names)
    sync(alice, 3); sync(bob, 4)

    # ---- text validation
    def texts():
        bad = {"C0 \\x01": "a\x01b", "TAB": "a\tb", "ESC": "a\x1b[31mb",
               "DEL": "a\x7fb", "C1 U+0085": "a\u0085b", "C1 U+009B": "a\u009bb",
               "U+202E": "a\u202eb", "U+2066": "a\u2066b", "U+200E": "a\u200eb",
               "U+200B": "a\u200bb", "U+FEFF": "a\ufeffb", "U+2028": "a\u2028b",
               "U+2029": "a\u2029b", "U+E0041 tag": "a\U000e0041b", "U+00AD": "a\u00adb",
               "U+061C": "a\u061cb", "U+2060": "a\u2060b",
               "spaces": "   ", "mixed ws": " \u3000\u00a0 ", "empty": "",
               "line feeds only": "\n\n", "spaces and LF": " \n "}
        res = {}
        for k, t in bad.items():
            alice.send(L.SAY, text=t)
            m = alice.recv()
            res[k] = (m["type"], m.get("code"))
        leaked = sync(bob, 5)
        wrong = {k: v for k, v in res.items() if v != ("ERROR", 4)}
        return not wrong and not leaked, "not TEXT_INVALID: %r; delivered to bob: %r" % (wrong, leaked)
    R.run("TEXT_INVALID(4): C0/TAB/ESC/DEL/C1/bidi/ZW/BOM/LS/PS/tag/SHY/ALM/WJ/whitespace/empty", texts)

    def sweep():
        import unicodedata
        must_bad = [chr(c) for c in range(0x110000)
                    if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp") and c not in (0x0A, 0x200C, 0x200D)]
        wrong = []
        for ch in must_bad:
            alice.send(L.SAY, text="x" + ch + "y")
            m = alice.recv()
            if not (m["type"] == "ERROR" and m["code"] == 4):
                wrong.append("U+%04X" % ord(ch))
        leaked = sync(bob, 7)
        okish = ["\uffff", "\U0010ffff", "\ue000", "e\u0301", "x\u0378y", "\u00a0x", "\u3000x",
                 "\u2800", "\U000e0100", "\u180b", "\u034f", "\u3164", "\u200d", "a\u200cb", "a\nb"]
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
    R.run("TEXT sweep: every Cc/Cf/Zl/Zp code point (except LF, U+200C/D) -> TEXT_INVALID; Mn/Co/Cn/Zs+x/U+200D/LF OK", sweep)

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
        t = "a" * (65520 - 21)  # 11 id room(#general) text: 1 + 8 + 10 + 2
        alice.send(L.SAY, text=t)
        m = alice.recv()
        return m["type"] == "ERROR" and m["code"] == 5, repr((m["type"], m.get("code")))
    R.run("max frame 65536 (plaintext 65520) accepted -> TEXT_TOO_LONG, not closed", big_frame)

    # ---- leave reasons
    def leave_bye():
        c = joined(port, "dave")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        c.send(L.C_BYE, message="")
        closed, seen = closed_by_peer(c)
        m = recv_until(alice, "LEFT")[0]
        recv_until(bob, "LEFT")
        return m["name"] == "dave" and m["reason"] == "" and m["message"] == "", \
            "LEFT=%r; server closed after BYE=%s %r" % (m, closed, seen)
    R.run("BYE '' -> others get LEFT reason '' message ''", leave_bye)

    def leave_bye_message(msg, expect, label):
        def f():
            c = joined(port, "dave")
            recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
            c.send(L.C_BYE, message=msg)
            closed, seen = closed_by_peer(c)
            m = recv_until(alice, "LEFT")[0]
            mb = recv_until(bob, "LEFT")[0]
            return m == mb and m["name"] == "dave" and m["reason"] == "" and m["message"] == expect, \
                "LEFT=%r closed=%s" % (m, closed)
        R.run(label, f)
    leave_bye_message("see you \u00e9", "see you \u00e9", "BYE message -> LEFT reason '' with that message (both others)")
    leave_bye_message("x" * 200, "x" * 200, "BYE message of 200 bytes -> passed on")
    leave_bye_message("x" * 201, "", "BYE message of 201 bytes -> session ends, message not passed on")
    leave_bye_message("evil\x1b[31m", "", "BYE message with ESC (breaks §5.3) -> not passed on")
    leave_bye_message("   ", "", "BYE message of spaces only (breaks §5.3) -> not passed on")

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
    strict("s2c type 0x21 from client -> close",
           L.encode_s2c(L.MESSAGE, envelope=("#general", 1, bytes(32), 1, bytes(32)), **{"from": "a", "text": "b"}))
    strict("empty plaintext -> close", b"")
    say_head = b"\x11" + struct.pack(">Q", 77) + L.enc_str("#general")
    strict("trailing byte after WHO -> close", L.encode_c2s(L.WHO, room="#general") + b"\x00")
    strict("trailing byte after SAY -> close", L.encode_c2s(L.SAY, id=5, room="#general", text="hi") + b"\x00")
    strict("truncated str (len 10, 3 bytes) -> close", say_head + b"\x00\x0aabc")
    strict("truncated u16 length -> close", say_head + b"\x00")
    strict("truncated SAY id -> close", b"\x11\x00\x00\x00")
    strict("truncated PING token -> close", b"\x14\x00\x00\x00")
    strict("DM missing text field -> close", b"\x12" + struct.pack(">Q", 9) + L.enc_str("bob"))
    strict("SAY with client message id 0 -> close (§4.2, §5.10)", b"\x11" + bytes(8) + L.enc_str("#general") + L.enc_str("hi"))
    strict("DM with client message id 0 -> close", b"\x12" + bytes(8) + L.enc_str("bob") + L.enc_str("hi"))
    strict("ME with client message id 0 -> close", b"\x42" + bytes(8) + L.enc_str("#general") + L.enc_str("hi"))
    strict("ENTER missing since -> close", b"\x40" + L.enc_str("#general"))
    strict("ROOMS with a trailing byte -> close", b"\x46\x00")
    strict("server type ENTERED (0x35) from client -> close", b"\x35" + L.enc_str("#general"))
    strict("invalid UTF-8 (0xff) -> close", say_head + b"\x00\x03a\xffb")
    strict("overlong UTF-8 (C0 AF) -> close", say_head + b"\x00\x03a\xc0\xaf")
    strict("surrogate UTF-8 (ED A0 80) -> close", say_head + b"\x00\x03\xed\xa0\x80")
    strict("truncated UTF-8 seq (E2 82) -> close", say_head + b"\x00\x02\xe2\x82")
    strict("SIGNED_HEAD with event id 0 -> close (page \"Room chain\": parsing is strict)",
           b"\x1b" + L.enc_str("#general") + bytes(8) + bytes(128))
    strict("SIGNED_HEAD whose room breaks §5.2 -> close", b"\x1b" + L.enc_str("general") + struct.pack(">Q", 1) + bytes(128))
    strict("SIGNED_HEAD one byte short -> close", b"\x1b" + L.enc_str("#general") + struct.pack(">Q", 1) + bytes(127))
    strict("invalid UTF-8 in a room name -> close", b"\x11" + struct.pack(">Q", 78) + b"\x00\x02#\xff" + L.enc_str("x"))
    strict("invalid UTF-8 in JOIN before WELCOME -> close", b"\x10\x00\x02\xc3\x28", before_join=True)

    def tamper(c):
        ct = bytearray(c.tx.seal(L.encode_c2s(L.SAY, id=1, room="#general", text="tampered")))
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
    bad_hello("ClientHello wrong magic -> close, no SERVER_AUTH", b"LANCHAX\x02" + ce)
    bad_hello("ClientHello version 1 (v1 client) -> close at once, no SERVER_AUTH", b"LANCHAT\x01" + ce)
    bad_hello("ClientHello version 3 -> close", b"LANCHAT\x03" + ce)
    bad_hello("ClientHello version 0 -> close", b"LANCHAT\x00" + ce)
    bad_hello("ClientHello version 1 of another size (8 B) -> close (version read before size)", b"LANCHAT\x01")
    bad_hello("ClientHello 39 bytes -> close", b"LANCHAT\x02" + ce[:31])
    bad_hello("ClientHello 41 bytes -> close", b"LANCHAT\x02" + ce + b"\x00")
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
        c.send(L.C_BYE, message="")
        closed, seen = closed_by_peer(c)
        c.close()
        return closed and all(m["type"] != "ERROR" for m in seen), "closed=%s seen=%r" % (closed, seen)
    R.run("BYE before JOIN accepted (no NOT_JOINED), connection ends", bye_before_join)

    def total_order():
        carol = joined(port, "carol")  # carol's key again
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
        carol.send(L.C_BYE, message=""); carol.close()
        recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
        per_sender_ok = all([x for x in sq if x.startswith("Alice:")] == ["Alice:a%d" % i for i in range(15)]
                            for sq in seqs)
        return seqs[0] == seqs[1] == seqs[2] and per_sender_ok and len(seqs[0]) == 45, \
            "alice/bob/carol orders equal=%s" % (seqs[0] == seqs[1] == seqs[2])
    R.run("3 concurrent senders: same total MESSAGE order at every client", total_order)

    run_auth_checks(R, port, alice, bob)
    run_binding_checks(R, port, alice, bob)

    # keep alice/bob for shutdown check
    R.alice, R.bob = alice, bob


def still_serves(port, alice, bob, tag):
    """§2.5/issue 9: after a refusal the server joined nothing and serves an honest client."""
    quiet = sync(alice, 0x100 + tag) == [] and sync(bob, 0x200 + tag) == []
    h = joined(port, "honest%d" % tag)
    ja = recv_until(alice, "JOINED")[0]
    recv_until(bob, "JOINED")
    h.send(L.C_BYE, message="")
    h.close()
    recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
    return quiet and ja["member"] == ("honest%d" % tag, h.ci), "nothing joined=%s honest JOINED=%r" % (quiet, ja)


# malformed Ed25519 keys for §2.5 step 2
P25519 = 2 ** 255 - 19


def _not_on_curve():
    y = 2
    while L._decode_point(y.to_bytes(32, "little")) is not None:
        y += 1
    return y.to_bytes(32, "little")


MALFORMED_KEYS = {
    "non-canonical y (= p)": P25519.to_bytes(32, "little"),
    "non-canonical y (p + 1, a point if reduced)": (P25519 + 1).to_bytes(32, "little"),
    "not on the curve": _not_on_curve(),
    "neutral point (small order 1)": (1).to_bytes(32, "little"),
    "order-2 point (0, -1)": (P25519 - 1).to_bytes(32, "little"),
    "order-4 point": (0).to_bytes(32, "little"),
    "order-8 point": bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    "x = 0 with sign bit set": (1 | (1 << 255)).to_bytes(32, "little"),
}


def run_auth_checks(R, port, alice, bob):
    tag = [0]

    def refused(label, act, code, text=None, text_has=None):
        def f():
            c = connect(port, client_auth=False)
            act(c)
            try:  # an honest client sends JOIN right behind CLIENT_AUTH (§2.5)
                c.send(L.JOIN, name="intruder")
            except OSError:
                pass
            closed, seen = closed_by_peer(c)
            c.close()
            errs = [m for m in seen if isinstance(m, dict)]
            ok = (closed and len(errs) == 1 and errs[0]["type"] == "ERROR" and errs[0]["code"] == code
                  and (text is None or errs[0]["text"] == text)
                  and (text_has is None or text_has(c) in errs[0]["text"]))
            tag[0] += 1
            ok2, d2 = still_serves(port, alice, bob, tag[0])
            return ok and ok2, "closed=%s seen=%r; %s" % (closed, seen, d2)
        R.run(label, f)

    refused("JOIN before CLIENT_AUTH -> ERROR AUTH_REQUIRED(11), close, joins nothing",
            lambda c: None, 11)
    refused("no proof at all (PING first) -> AUTH_REQUIRED(11), no PONG",
            lambda c: c.send(L.PING, token=1), 11)
    refused("SAY first -> AUTH_REQUIRED(11) (not NOT_JOINED)", lambda c: c.send(L.SAY, text="hi"), 11)
    refused("BYE first -> AUTH_REQUIRED(11)", lambda c: c.send(L.C_BYE, message=""), 11)

    def bad_sig(c):
        sig = bytearray(L.client_auth_sign(c.identity, c.th)); sig[3] ^= 0x10
        c.send_client_auth(sig=bytes(sig))
    refused("CLIENT_AUTH with a bad signature -> AUTH_FAILED(10) 'client authentication failed'",
            bad_sig, 10, "client authentication failed")

    def other_th(c):
        other = connect(port, client_auth=False)
        c.send_client_auth(sig=L.client_auth_sign(c.identity, other.th))
        other.close()
    refused("CLIENT_AUTH signed over another session's th -> AUTH_FAILED(10)", other_th, 10,
            "client authentication failed")

    def wrong_key(c):
        c.send_client_auth(sig=L.client_auth_sign(L.Ed25519PrivateKey.generate(), c.th))
    refused("CLIENT_AUTH: proof made by another key than `key` -> AUTH_FAILED(10)", wrong_key, 10,
            "client authentication failed")

    def server_label(c):
        c.send_client_auth(sig=c.identity.sign(L.AUTH_LABEL + c.th))
    refused("CLIENT_AUTH signed with the SERVER_AUTH label -> AUTH_FAILED(10)", server_label, 10,
            "client authentication failed")

    def replay_si(c):
        # the server's own SERVER_AUTH signature and key, bounced back as a client proof
        c.send_client_auth(key=c.si, sig=L.auth_sign(L.Ed25519PrivateKey.generate(), c.th))
    refused("CLIENT_AUTH with the server's key Si and a foreign signature -> AUTH_FAILED(10)", replay_si, 10)

    for what, key in MALFORMED_KEYS.items():
        refused("CLIENT_AUTH malformed key: %s -> AUTH_FAILED(10) 'malformed client key'" % what,
                lambda c, key=key: c.send_client_auth(key=key, sig=L.client_auth_sign(c.identity, c.th)),
                10, "malformed client key")

    def strict_first(label, plaintext):
        def f():
            c = connect(port, client_auth=False)
            c.send_raw_plain(plaintext(c))
            closed, seen = closed_by_peer(c)
            c.close()
            tag[0] += 1
            ok2, d2 = still_serves(port, alice, bob, tag[0])
            return closed and ok2, "closed=%s seen=%r; %s" % (closed, seen, d2)
        R.run(label, f)
    strict_first("CLIENT_AUTH one byte short -> close (protocol error)",
                 lambda c: L.encode_c2s(L.CLIENT_AUTH, key=c.ci, sig=L.client_auth_sign(c.identity, c.th))[:-1])
    strict_first("CLIENT_AUTH with a trailing byte -> close (protocol error)",
                 lambda c: L.encode_c2s(L.CLIENT_AUTH, key=c.ci, sig=L.client_auth_sign(c.identity, c.th)) + b"\x00")

    def second_auth():
        c = joined(port, "mallory")
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        c.send_client_auth()
        closed, seen = closed_by_peer(c)
        m = recv_until(alice, "LEFT")[0]
        recv_until(bob, "LEFT")
        c.close()
        byes = [x for x in seen if isinstance(x, dict) and x["type"] == "BYE"]
        return closed and m["reason"] == "protocol error" and len(byes) == 1 and \
            byes[0]["reason"].startswith("protocol error: "), "closed=%s seen=%r LEFT=%r" % (closed, seen, m)
    R.run("second CLIENT_AUTH after JOIN -> BYE 'protocol error: ...', close, LEFT 'protocol error'", second_auth)

    def no_answer():
        c = connect(port)  # sends CLIENT_AUTH
        c.send(L.PING, token=42)
        m = c.recv()
        c.close()
        return m == {"type": "PONG", "token": 42}, "first message after CLIENT_AUTH: %r" % (m,)
    R.run("CLIENT_AUTH accepted: the server sends nothing for it (next is our PONG)", no_answer)


def run_binding_checks(R, port, alice, bob):
    k1, k2, k3, k4 = (L.Ed25519PrivateKey.generate() for _ in range(4))

    def bound():
        a = joined(port, "keeper", identity=k1)
        recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
        a.send(L.C_BYE, message=""); a.close()
        recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
        c = connect(port, identity=k2)
        res = {}
        for n in ("keeper", "KEEPER", "kEEpEr"):
            c.send(L.JOIN, name=n)
            res[n] = c.recv()
        c.send(L.JOIN, name="keeper2")
        w = c.recv()
        ok = all(m["type"] == "ERROR" and m["code"] == 12 for m in res.values()) and \
            res["keeper"]["text"] == "the name keeper belongs to another key" and w["type"] == "WELCOME"
        c.send(L.C_BYE, message=""); c.close()
        return ok, "%r; then keeper2 -> %s" % ({k: (m["type"], m.get("code"), m.get("text")) for k, m in res.items()},
                                              w["type"])
    R.run("NAME_BOUND(12) for a second key (by skeleton), text 'the name keeper belongs to another key'; another name OK", bound)

    def bound_text_spelling():
        c = connect(port, identity=k2)
        c.send(L.JOIN, name="KEEPER")
        m = c.recv()
        c.close()
        return m.get("text") in ("the name KEEPER belongs to another key",
                                 "the name keeper belongs to another key"), repr(m)
    R.run("NAME_BOUND text names the name (either spelling; page does not say which)", bound_text_spelling)

    def owner_back():
        a = joined(port, "Keeper", identity=k1)
        ja = recv_until(alice, "JOINED")[0]; recv_until(bob, "JOINED")
        a.send(L.C_BYE, message=""); a.close()
        recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
        return a.welcome["name"] == "Keeper" and ja["member"] == ("Keeper", a.ci), repr(a.welcome)
    R.run("the owning key joins its name again (another spelling kept as given)", owner_back)

    def bound_before_taken():
        c = connect(port, identity=k2)
        c.send(L.JOIN, name="Alice")
        m = c.recv()
        c.close()
        return m["type"] == "ERROR" and m["code"] == 12, repr(m)
    R.run("JOIN of a joined holder's name by another key -> NAME_BOUND (checked before NAME_TAKEN)", bound_before_taken)

    def moves():
        for n in ("mover1", "mover2"):
            a = joined(port, n, identity=k3)
            recv_until(alice, "JOINED"); recv_until(bob, "JOINED")
            a.send(L.C_BYE, message=""); a.close()
            recv_until(alice, "LEFT"); recv_until(bob, "LEFT")
        c = connect(port, identity=k4)
        c.send(L.JOIN, name="mover1")
        m1 = c.recv()
        c.send(L.C_BYE, message=""); c.close()
        c = connect(port, identity=k4)
        c.send(L.JOIN, name="mover2")
        m2 = c.recv()
        c.close()
        return m1["type"] == "WELCOME" and m2["type"] == "ERROR" and m2["code"] == 12, "mover1 -> %r; mover2 -> %r" % (m1, m2)
    R.run("a key owns one name: joining under another free name frees the old one (§5.6)", moves)


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
    # burst 20 messages -> the 21st+ get RATE_LIMITED, nothing silently lost
    def burst_of(port, batch_ok=None):
        c = joined(port, "speedy", batch_ok=batch_ok)
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
        return msgs, errs, c.welcome, c.batch_ok_sent

    port = free_port()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "0"])
    try:
        def f():
            msgs, errs, w, bok = burst_of(port)
            # 18 fit when CLIENT_AUTH and JOIN take a token each (§7); the bucket gains 10 a
            # second while the server works through them, so allow up to 20 (a BATCH_OK, §5.13,
            # takes one more)
            return msgs + errs == 30 and errs > 0 and 17 - bok <= msgs <= 20 and w["rate"] == 10000 \
                and w["burst"] == 20, "MESSAGE=%d RATE_LIMITED=%d WELCOME rate=%d burst=%d" % (
                    msgs, errs, w["rate"], w["burst"])
        R.run("rate limit: 30 SAYs at once -> burst delivered, rest ERROR RATE_LIMITED(6); WELCOME rate 10000 burst 20", f)
    finally:
        srv.stop()
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "0", "--rate", "1"])
    try:
        def g():
            msgs, errs, w, bok = burst_of(port)
            # at 1 a second a refill within the burst is unlikely: 18 = CLIENT_AUTH and JOIN
            # counted, 19 = JOIN only, 20 = neither. §7 "every message a client sends after
            # CLIENT_AUTH, JOIN and PING included" is read as JOIN counted, CLIENT_AUTH not
            # (page finding 2: the sentence also reads the other way). A BATCH_OK takes one
            # more token (§5.13)
            return msgs == 18 - bok and w["rate"] == 1000, "MESSAGE=%d RATE_LIMITED=%d WELCOME rate=%d%s" % (
                msgs, errs, w["rate"], " (after BATCH_OK)" if bok else "")
        R.run("rate 1/s: messages after CLIENT_AUTH count, JOIN and ENTER included, so 18 of 30 SAYs fit a burst of 20 (§7)", g)
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
        p = Proc([JAVA, "-Duser.home=" + home, "-jar", jar, "--bind", LOOPBACK, "--port", str(port), "--identity",
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


def admin(jar, home, *args):
    """Runs an admin subcommand (chat-server allow|deny|names|release ... --data FILE) as --help says."""
    p = Proc([JAVA, "-Duser.home=" + home, "-jar", jar] + list(args) + ["--data", store_path(home)], home)
    rc = p.wait(60)
    p.stop()
    return rc, bytes(p.out).decode("utf-8", "replace") + bytes(p.err).decode("utf-8", "replace")


def join_result(port, name, identity, room="#general"):
    """JOIN once: the WELCOME's connection, or the ERROR (connection closed)."""
    c = connect(port, identity=identity)
    c.send(L.JOIN, name=name)
    m = c.recv()
    if m["type"] != "WELCOME":
        c.close()
        return None, m
    c.welcome = m
    if room is not None:
        c.entry = enter(c, room)
    return c, m


def eventually(fn, seconds=3.0):
    """Retries fn() -> (ok, detail) until ok or `seconds` pass (the admin change applies within 1 s)."""
    end = time.time() + seconds
    while True:
        ok, d = fn()
        if ok or time.time() > end:
            return ok, d
        time.sleep(0.25)


def leave(c):
    c.send(L.C_BYE, message="")
    closed_by_peer(c)
    c.close()


def run_store_checks(R, jar):
    """§5.6: bindings survive a restart; release frees one (also while the server runs)."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-store-")
    k1, k2 = L.Ed25519PrivateKey.generate(), L.Ed25519PrivateKey.generate()
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "0"])
    try:
        c, m = join_result(port, "persist", k1)
        if c:
            leave(c)
        R.check("store: first key joins 'persist'", c is not None, repr(m))
    finally:
        srv.stop()
    srv, fp = start_server(jar, home, port, ["--connect-rate", "0"])
    try:
        c, m = join_result(port, "Persist", k2)
        R.check("store: after a restart another key gets NAME_BOUND(12) for 'Persist'",
                c is None and m["type"] == "ERROR" and m["code"] == 12, repr(m))
        rc, out = admin(jar, home, "names")
        R.check("store: `chat-server names` lists persist with the owner's fingerprint",
                rc == 0 and "persist" in out and L.fingerprint(L.ed25519_pub(k1)) in out, "rc=%r out=%r" % (rc, out[-300:]))
        rc, out = admin(jar, home, "release", "PERSIST")
        R.check("store: `chat-server release PERSIST` (another spelling) exits 0", rc == 0, "rc=%r out=%r" % (rc, out[-300:]))

        def now_free():
            c, m = join_result(port, "persist", k2)
            if c:
                leave(c)
            return c is not None, repr(m)
        R.run("store: released name is free for another key within 1 s, server running", lambda: eventually(now_free))
    finally:
        srv.stop()


def run_allowlist_checks(R, jar):
    """§5.7 and §2.5 step 4: --access allowlist, NOT_ALLOWED, allow/deny while running."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-allow-")
    if "--access" not in server_help(jar, home):
        R.check("allowlist: server --help documents --access", False, "no --access option in --help")
        return
    ka, kb, kc, kd = (L.Ed25519PrivateKey.generate() for _ in range(4))
    fa, fb, fc, fd = (L.fingerprint(L.ed25519_pub(k)) for k in (ka, kb, kc, kd))
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--access", "allowlist", "--connect-rate", "0"])
    try:
        def not_allowed():
            c = connect(port, identity=ka)
            c.send(L.JOIN, name="anna")  # right behind CLIENT_AUTH, as an honest client does
            closed, seen = closed_by_peer(c)
            c.close()
            errs = [m for m in seen if isinstance(m, dict)]
            ok = closed and len(errs) == 1 and errs[0]["type"] == "ERROR" and errs[0]["code"] == 13 \
                and fa in errs[0]["text"]
            return ok, "closed=%s seen=%r fingerprint=%s" % (closed, seen, fa)
        R.run("allowlist: unknown key -> ERROR NOT_ALLOWED(13) with its fingerprint in the text, close", not_allowed)

        def bad_sig_first():
            c = connect(port, identity=ka, client_auth=False)
            c.send_client_auth(sig=bytes(64))
            closed, seen = closed_by_peer(c)
            c.close()
            errs = [m for m in seen if isinstance(m, dict)]
            return closed and len(errs) == 1 and errs[0]["code"] == 10, repr(seen)
        R.run("allowlist: bad signature from an unknown key -> AUTH_FAILED(10), not NOT_ALLOWED (step 3 before 4)", bad_sig_first)

        rc, out = admin(jar, home, "allow", fa)
        R.check("allowlist: `chat-server allow FP` exits 0 while the server runs", rc == 0, "rc=%r %r" % (rc, out[-300:]))
        holder = {}

        def admitted():
            c, m = join_result(port, "anna", ka)
            holder["a"] = c
            return c is not None, repr(m)
        R.run("allowlist: an allowed key joins (applied within 1 s)", lambda: eventually(admitted))
        rc, out = admin(jar, home, "allow", fb, "--name", "kept")
        rc2, out2 = admin(jar, home, "allow", fc)
        R.check("allowlist: `allow FP --name kept` and `allow FP` exit 0", rc == 0 and rc2 == 0, out + out2)

        def kept():
            c, m = join_result(port, "Kept", kc)
            if c:
                leave(c)
            return c is None and m["type"] == "ERROR" and m["code"] == 12, repr(m)
        R.run("allowlist: a name kept for a key by `allow --name` -> NAME_BOUND(12) for another allowed key",
              lambda: eventually(kept))

        def owner_kept():
            c, m = join_result(port, "kept", kb)
            holder["b"] = c
            return c is not None, repr(m)
        R.run("allowlist: the key the name was kept for joins under it", lambda: eventually(owner_kept))
        a = holder.get("a")
        rc, out = admin(jar, home, "deny", fa)
        R.check("allowlist: `chat-server deny FP` exits 0", rc == 0, "rc=%r %r" % (rc, out[-300:]))

        def kicked():
            if a is None:
                return False, "anna never joined"
            seen = []
            old = a.sock.gettimeout()
            a.sock.settimeout(4.0)  # the change applies within 1 s
            try:
                m, seen = recv_until(a, "BYE")
            except Exception as e:  # noqa
                return False, "no BYE: %r" % (e,)
            finally:
                a.sock.settimeout(old)
            closed, rest = closed_by_peer(a)
            return m["reason"] == "your key is no longer allowed here" and closed, "BYE=%r closed=%s" % (m, closed)
        R.run("allowlist: deny while connected -> BYE 'your key is no longer allowed here', close", kicked)

        def observer_left():
            b = holder.get("b")
            if b is None:
                return False, "kept-name holder never joined"
            m = recv_until(b, "LEFT")[0]
            return m["name"] == "anna", repr(m)
        R.run("allowlist: the others get LEFT for the denied member", observer_left)

        def denied_again():
            c = connect(port, identity=ka)
            c.send(L.JOIN, name="anna")
            closed, seen = closed_by_peer(c)
            c.close()
            return closed and any(isinstance(m, dict) and m.get("code") == 13 for m in seen), repr(seen)
        R.run("allowlist: the denied key is NOT_ALLOWED on its next try", denied_again)

        def still():
            b = holder.get("b")
            return b is not None and sync(b, 9) == [], "holder still served"
        R.run("allowlist: the server still serves an allowed client after the refusals", still)
    finally:
        srv.stop()


# ------------------------------------------------------ rooms, event ids, catch-up (§4.3, §5.4-§5.11)

def errcode(m):
    return m.get("code") if isinstance(m, dict) and m.get("type") == "ERROR" else ("not an ERROR: %r" % (m,))


def ask(c, mtype, **f):
    """Sends one request and returns the next message (the answer or an ERROR)."""
    c.send(mtype, **f)
    return c.recv()


def room_events(c, room, count, limit=5000):
    """The next `count` events of `room` that c receives (other messages skipped)."""
    got = []
    for _ in range(limit):
        if len(got) == count:
            return got
        m = c.recv()
        if "etype" in m and same_room(m["room"], room):
            got.append(m)
    raise AssertionError("only %d of %d events of %s" % (len(got), count, room))


def run_rooms_checks(R, jar):
    home = tempfile.mkdtemp(prefix="lanchat-conf-rooms-")
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--rate", "0", "--connect-rate", "0", "--room-rate", "0",
                                            "--room-byte-rate", "0", "--max-per-address", "1000",
                                            "--idle-timeout", "0"])
    conns = []

    def new(name, room=None, identity=None):
        c = joined(port, name, identity=identity, room=room)
        conns.append(c)
        return c
    try:
        for block in (_rooms_block, _paged_roster):
            try:
                block(R, port, new, conns) if block is _rooms_block else block(R, port, new)
            except Exception as e:  # noqa
                import traceback
                R.check("rooms: the block %s ran to its end" % block.__name__, False,
                        "stopped by %r at %s" % (e, traceback.format_exc().splitlines()[-3].strip()))
        for c in conns:
            c.chains = getattr(c, "chains", L.Chains())
        issues = [(c.welcome["name"], i) for c in conns for i in c.chains.issues]
        ext = sum(c.chains.extended for c in conns)
        comp = sum(c.chains.computed for c in conns)
        R.check("room chain: every event id every client saw came one more than the last in its room "
                "(or after an announced skip), and every head recomputed from the page matched the head sent "
                "(%d events extended, %d intermediate heads of MEMBERS_CHANGED computed)" % (ext, comp),
                not issues and ext > 100, repr(issues[:10]))
        R.check("MEMBERS_CHANGED seen and their intermediate heads computed (§4.3, §5.8)", comp > 0,
                "%d MEMBERS_CHANGED records seen" % sum(len(getattr(c, "raw_members_changed", [])) for c in conns))
    finally:
        srv.stop()


def _rooms_block(R, port, new, conns):
    a = new("roomA", room=None)
    b = new("roomB", room=None)
    c = new("roomC", room=None)
    R1 = "#r1"

    # -- enter a new room
    ea = enter(a, R1)
    if "error" in ea:  # a server with one room: go on in #general, so the rest still says something
        R.check("ENTER a new room #r1 is possible", False, repr(ea["error"]))
        R1 = "#general"
        ea = enter(a, R1)
    R.check("ENTER a new room #r1: ENTERED(#r1, topic '', members 1, history 0, skipped 0), ROSTER [(A, key, '')] more 0, "
            "own JOINED id 1 whose head extends the genesis head",
            "own" in ea and ea["entered"] == {"type": "ENTERED", "room": R1, "topic": "", "members": 1,
                                                  "history": 0, "skipped": 0, "flags": 0}
            and ea["entries"] == [(("roomA", a.ci), "")] and ea["rosters"][-1]["more"] == 0
            and ea["own"]["id"] == 1 and ea["own"]["head"] == L.chain_next(L.genesis(R1), ea["own"])
            and ea["order"][:2] == ["ENTERED", "ROSTER"], repr(ea))
    eb = enter(b, R1.upper())
    ja = room_events(a, R1, 1)[0]
    R.check("ENTER #R1 (another spelling): the creator's spelling #r1, members 2, history 1 (the context: A's JOINED id 1), "
            "ROSTER [A, B] in entry order, own JOINED id 2; A gets the same JOINED id 2 and head",
            "own" in eb and eb.get("entered", {}).get("room") == R1 and eb["entered"]["members"] == 2 and eb["entered"]["history"] == 1
            and [h["id"] for h in eb["history"]] == [1] and eb["history"][0]["head"] == ea["own"]["head"]
            and [e for e, _ in eb["entries"]] == [("roomA", a.ci), ("roomB", b.ci)]
            and eb["own"]["id"] == 2 and ja["id"] == 2 and ja["head"] == eb["own"]["head"]
            and ja["member"] == ("roomB", b.ci), "B: %r; A got %r" % (eb, ja))
    R.check("the answer to ENTER comes in the order ENTERED, ROSTER..., history, own JOINED (§5.9)",
            "own" in eb and eb["order"] == ["ENTERED"] + ["ROSTER"] * len(eb["rosters"]) + ["JOINED", "JOINED"], repr(eb["order"]))

    def errs():
        out = {}
        out["ENTER #r1 again"] = (errcode(ask(b, L.ENTER, room=R1, since=0)), 17)
        out["ENTER #R1 again (skeleton)"] = (errcode(ask(b, L.ENTER, room=R1.upper(), since=0)), 17)
        for bad in ("general", "#", "#" + "x" * 33, "#a b", "#caf\u00e9", "##x", "#a.b", ""):
            out["ENTER %r" % bad] = (errcode(ask(b, L.ENTER, room=bad, since=0)), 15)
        out["SAY to '#a b'"] = (errcode(ask(b, L.SAY, room="#a b", text="x")), 15)
        out["SAY to #r2 (not in)"] = (errcode(ask(b, L.SAY, room="#r2", text="x")), 16)
        out["ME to #r2 (not in)"] = (errcode(ask(b, L.ME, room="#r2", text="x")), 16)
        out["WHO #r2 (not in)"] = (errcode(ask(b, L.WHO, room="#r2")), 16)
        out["PART #r2 (not in)"] = (errcode(ask(b, L.PART, room="#r2", message="")), 16)
        out["TOPIC #r2 (not in)"] = (errcode(ask(b, L.C_TOPIC, room="#r2", topic="x")), 16)
        out["WHO #nosuchroom"] = (errcode(ask(b, L.WHO, room="#nosuchroom")), 16)
        bad = {k: v for k, v in out.items() if v[0] != v[1]}
        return not bad and sync(b, 0x31) == [] and sync(a, 0x32) == [], "got/wanted: %r" % bad
    R.run("refusals: ALREADY_IN_ROOM(17), ROOM_INVALID(15) for ENTER and SAY (not a protocol error), "
          "NOT_IN_ROOM(16) for SAY/ME/WHO/PART/TOPIC of a room not entered", errs)

    # -- isolation
    ec = enter(c, "#r2")
    if "error" in ec:
        R.check("ENTER a second room #r2 is possible", False, repr(ec["error"]))

    def isolation():
        a.send(L.SAY, room=R1, text="only r1")
        ma = room_events(a, R1, 1)[0]
        mb = room_events(b, R1, 1)[0]
        c.send(L.SAY, room="#r2", text="only r2")
        mc = room_events(c, "#r2", 1)[0]
        leaks = {"C": sync(c, 0x41), "A": [m for m in sync(a, 0x42)], "B": sync(b, 0x43)}
        leaks = {k: [m for m in v if m.get("room") in (R1, "#r2") or m["type"] in ("MESSAGE", "ROSTER")]
                 for k, v in leaks.items()}
        return ma == mb and ma["text"] == "only r1" and mc["text"] == "only r2" and mc["id"] == 2 \
            and not any(leaks.values()), "A %r; C %r; leaks %r" % (ma, mc, leaks)
    R.run("per-room isolation: a SAY in #r1 reaches its members only, #r2's ids start at 1 on their own", isolation)

    def me_action():
        a.send(L.ME, room=R1, text="waves")
        x, y = room_events(a, R1, 1)[0], room_events(b, R1, 1)[0]
        return x == y and x["type"] == "ACTION" and x["from"] == "roomA" and x["text"] == "waves" \
            and x["sender"] == a.ci, repr(x)
    R.run("ME -> ACTION(envelope, from, text) to every member, the sender included", me_action)

    # -- exactly once (§5.10)
    def resend():
        mid = a.next_id()
        a.send(L.SAY, id=mid, room=R1, text="once")
        a.send(L.SAY, id=mid, room=R1, text="twice")
        a.send(L.ME, id=mid, room=R1, text="thrice")
        seen_a, seen_b = sync(a, 0x51), sync(b, 0x52)
        texts = [m.get("text") for m in seen_b if m["type"] in ("MESSAGE", "ACTION")]
        return texts == ["once"] and not [m for m in seen_a if m["type"] == "ERROR"], \
            "B saw %r; A saw %r" % (texts, [m["type"] for m in seen_a])
    R.run("a SAY whose (key, id) was taken is dropped, also as ME: no event, no ERROR (§5.10)", resend)

    def resend_after_reconnect():
        k = L.Ed25519PrivateKey.generate()
        d = new("roomD", room=R1, identity=k)
        room_events(a, R1, 1)
        mid = d.next_id()
        d.send(L.SAY, id=mid, room=R1, text="first copy")
        first = room_events(a, R1, 1)[0]
        d.close()
        room_events(a, R1, 1)  # LEFT connection lost
        d2 = new("roomD", room=None, identity=k)
        since = first["id"]
        e = enter(d2, R1, since=since)
        d2.send(L.SAY, id=mid, room=R1, text="second copy")
        d2.send(L.SAY, id=mid + 1, room=R1, text="new one")
        got = [m for m in room_events(a, R1, 2)]
        return [m["type"] for m in got] == ["JOINED", "MESSAGE"] and got[1]["text"] == "new one", \
            "A saw %r" % [(m["type"], m.get("text")) for m in got]
    R.run("after a reconnect the same key's resent id is dropped; its next id is delivered", resend_after_reconnect)

    def dm_same_id():
        mid = a.next_id()
        a.send(L.SAY, id=mid, room=R1, text="said")
        a.send(L.C_DM, id=mid, to="roomB", text="dm with the SAY's id")
        sync(a, 0x5A)
        seen = sync(b, 0x53)
        return [m["type"] for m in seen if m.get("text") in ("said", "dm with the SAY's id")] == ["MESSAGE"], \
            "B saw %r" % [(m["type"], m.get("text")) for m in seen]
    R.run("a DM carrying the id of an earlier SAY of the same key is dropped (ids unique per key, §5.10)", dm_same_id)
    sync(a, 0x54)

    # -- context of 20 on enter
    for i in range(30):
        a.send(L.SAY, room=R1, text="ctx %d" % i)
    a_seen = room_events(a, R1, 30)
    sync(b, 0x55)
    heads_a = {m["id"]: m["head"] for m in a_seen}
    last_id = a_seen[-1]["id"]
    e = new("roomE", room=None)
    ee = enter(e, R1)
    R.check("ENTER with since 0 after 30 SAYs: history 20 (the last 20 events, oldest first, with the heads "
            "the members got), skipped 0, own JOINED right after",
            ee["entered"]["history"] == 20 and ee["entered"]["skipped"] == 0
            and [h["id"] for h in ee["history"]] == list(range(last_id - 19, last_id + 1))
            and all(h["head"] == heads_a[h["id"]] for h in ee["history"])
            and ee["own"]["id"] == last_id + 1,
            "ENTERED %r, history ids %r, own %r" % (ee.get("entered"), [h["id"] for h in ee["history"]],
                                                    ee.get("own", {}).get("id")))
    room_events(a, R1, 1); room_events(b, R1, 1)

    # -- PART and catch-up with since
    def part_catch_up():
        e.send(L.PART, room=R1, message="brb")
        la = room_events(a, R1, 1)[0]
        after = sync(e, 0x56)
        own_left = [m for m in after if m.get("room") == R1]
        e_last = e.chains.state.get("#rl", (ee["own"]["id"], None))[0] if own_left else ee["own"]["id"]
        for i in range(5):
            a.send(L.SAY, room=R1, text="missed %d" % i)
        room_events(a, R1, 5)
        ec = enter(e, R1, since=e_last)
        ids = [h["id"] for h in ec["history"]]
        ok = la["type"] == "LEFT" and la["name"] == "roomE" and la["reason"] == "parted" and la["message"] == "brb" \
            and ec["entered"]["history"] == la["id"] + 5 - e_last and ec["entered"]["skipped"] == 0 \
            and ids == list(range(e_last + 1, la["id"] + 6)) and ec["own"]["id"] == la["id"] + 6
        return ok, "LEFT %r; E after PART saw %r; re-ENTER since %d -> %r ids %r own %r" % (
            la, [m["type"] for m in after], e_last, ec.get("entered"), ids, ec.get("own", {}).get("id"))
    R.run("PART -> LEFT 'parted' with the message; ENTER since=last seen id -> every event after it, skipped 0, "
          "then own JOINED", part_catch_up)
    room_events(a, R1, 1); room_events(b, R1, 1)

    def own_left_on_part():
        e.send(L.PART, room=R1, message="x" * 201)
        la = room_events(a, R1, 1)[0]
        after = [m for m in sync(e, 0x57) if m.get("room") == R1]
        ec2 = enter(e, R1, since=(after[-1]["id"] if after else la["id"] - 1))
        room_events(a, R1, 1); room_events(b, R1, 1)
        return la["message"] == "", "LEFT %r; the parting member itself got %r" % (la, [m["type"] for m in after])
    R.run("PART with a 201-byte message -> LEFT 'parted' with message '' (§4.2)", own_left_on_part)
    R.check("note: whether the parting member gets its own LEFT (the page does not say)", True,
            "observed in the detail of the PART checks")

    def long_catch_up():
        k = L.Ed25519PrivateKey.generate()
        f = new("roomF", room=R1, identity=k)
        room_events(a, R1, 1); room_events(b, R1, 1); room_events(e, R1, 1)
        f_last = f.entry["own"]["id"]
        f.send(L.C_BYE, message="gone")
        closed_by_peer(f)
        left = room_events(a, R1, 1)[0]
        for i in range(1010):
            a.send(L.SAY, room=R1, text="bulk %d" % i)
        bulk = room_events(a, R1, 1010)
        sync(b, 0x58); sync(e, 0x59)
        f2 = new("roomF", room=None, identity=k)
        ef = enter(f2, R1, since=f_last)
        newest = bulk[-1]["id"]
        want_first = newest - 999
        ids = [h["id"] for h in ef["history"]]
        room_events(a, R1, 1); room_events(b, R1, 1); room_events(e, R1, 1)
        return left["reason"] == "" and left["message"] == "gone" and ef["entered"]["history"] == 1000 \
            and ef["entered"]["skipped"] == want_first - f_last - 1 and ids == list(range(want_first, newest + 1)) \
            and ef["own"]["id"] == newest + 1 and not f2.chains.issues, \
            "since %d, newest %d: ENTERED %r, history %d..%s, own %r, chain issues %r" % (
                f_last, newest, ef.get("entered"), ids[0] if ids else 0, ids[-1] if ids else "-",
                ef.get("own", {}).get("id"), f2.chains.issues[:3])
    R.run("reconnect after 1,011 events: ENTER since -> the newest 1,000, skipped = first - since - 1, "
          "the client's chain takes the jump as 'started'", long_catch_up)

    # -- signed heads (page "Room chain": relayed unchanged to the room's other members)
    def signed_heads():
        for x in (a, b, e):
            sync(x, 0x65)
        st = a.chains.state.get(L.room_skeleton(R1))
        eid, head = st
        signed = b"lanchat v2 room head" + L.enc_str(R1) + struct.pack(">Q", eid) + head
        body = (R1, eid, head, a.ci, a.identity.sign(signed))
        a.send(L.C_SIGNED_HEAD, signed_head=body)
        sa, sb, sc = sync(a, 0x66), sync(b, 0x67), sync(c, 0x68)
        rb = [m for m in sb if m["type"] == "SIGNED_HEAD"]
        return rb and rb[0]["signed_head"] == body and not [m for m in sa if m["type"] == "SIGNED_HEAD"] \
            and not [m for m in sc if m["type"] == "SIGNED_HEAD"], \
            "B got %r; A (the signer) got %r; C (not in the room) got %r" % (
                [m["type"] for m in sb], [m["type"] for m in sa], [m["type"] for m in sc])
    R.run("SIGNED_HEAD -> relayed unchanged as 0x2D to the room's other members only", signed_heads)

    def signed_head_not_in():
        body = ("#r2", 1, bytes(32), b.ci, bytes(64))
        m = ask(b, L.C_SIGNED_HEAD, signed_head=body)
        return errcode(m) == 16, repr(m)
    R.run("SIGNED_HEAD for a room the client is not in -> NOT_IN_ROOM(16)", signed_head_not_in)

    # -- NICK
    def nick():
        for x in (a, b, e):
            sync(x, 0x5B)
        enter(a, "#nick2")
        a.send(L.NICK, name="RoomA2")
        sa, sb = sync(a, 0x5F), sync(b, 0x60)
        sync(e, 0x61)
        ra = [m for m in sa if m["type"] == "RENAMED"]
        rb = [m for m in sb if m["type"] == "RENAMED"]
        return sorted(m["room"] for m in ra) == sorted([R1, "#nick2"]) and rb == [m for m in ra if m["room"] == R1] \
            and all(x["old"] == "roomA" and x["new"] == "RoomA2" and x["sender"] == a.ci for x in ra), \
            "A got %r; B got %r" % ([(m["type"], m.get("room"), m.get("old"), m.get("new")) for m in sa],
                                    [(m["type"], m.get("room")) for m in sb])
    R.run("NICK -> RENAMED(old, new, sender = the key) in every room the client is in, to it too", nick)

    def nick_errors():
        out = {"taken (B's name, by skeleton)": (errcode(ask(a, L.NICK, name="r0omb")), 12),
               "invalid": (errcode(ask(a, L.NICK, name="-bad")), 2),
               "too long": (errcode(ask(a, L.NICK, name="x" * 25)), 2)}
        # a name bound to another key that is not connected: roomF is bound to F's key
        out["bound to another key, holder connected"] = (errcode(ask(a, L.NICK, name="roomD")), 12)
        bad = {k: v for k, v in out.items() if v[0] != v[1]}
        return not bad, "got/wanted %r (NICK to a connected holder's name by another key: §5.4 says checked "\
            "as JOIN, i.e. NAME_BOUND before NAME_TAKEN)" % out
    R.run("NICK refusals: another key's name -> NAME_BOUND(12) (checked as JOIN: bound before taken); "
          "invalid -> NAME_INVALID(2)", nick_errors)

    def nick_own_spelling():
        a.send(L.NICK, name="ROOMA2")
        sa = sync(a, 0x62)
        sync(b, 0x63); sync(e, 0x64)
        x = [m for m in sa if m["type"] in ("RENAMED", "ERROR")]
        return x and x[0]["type"] == "RENAMED" and x[0]["new"] == "ROOMA2", repr(x)
    R.run("NICK to a new spelling of the client's own skeleton is allowed", nick_own_spelling)

    def old_name_free():
        k = L.Ed25519PrivateKey.generate()
        cc = connect(port, identity=k)
        cc.send(L.JOIN, name="roomA")
        w = cc.recv()
        cc.send(L.C_BYE, message="")
        cc.close()
        return w["type"] == "WELCOME", repr(w)
    R.run("after NICK the old name is free: another key JOINs it (binding moved, §5.4)", old_name_free)

    # -- TOPIC
    def topic():
        for x in (a, b, e):
            sync(x, 0x5C)
        a.send(L.C_TOPIC, room=R1, topic="lunch at noon")
        x, y = room_events(a, R1, 1)[0], room_events(b, R1, 1)[0]
        g = new("roomG", room=None)
        eg = enter(g, R1)
        room_events(a, R1, 1); room_events(b, R1, 1); room_events(e, R1, 1)
        return x == y and x["type"] == "TOPIC" and x["by"] == "ROOMA2" and x["topic"] == "lunch at noon" \
            and eg["entered"]["topic"] == "lunch at noon", "%r; newcomer's ENTERED %r" % (x, eg.get("entered"))
    R.run("TOPIC -> TOPIC event (by, topic) to every member incl. the setter; ENTERED of a newcomer carries it", topic)

    def topic_errors():
        out = {"201 bytes": (errcode(ask(a, L.C_TOPIC, room=R1, topic="t" * 201)), 5),
               "line feed": (errcode(ask(a, L.C_TOPIC, room=R1, topic="a\nb")), 4),
               "ESC": (errcode(ask(a, L.C_TOPIC, room=R1, topic="a\x1bb")), 4),
               "invalid room": (errcode(ask(a, L.C_TOPIC, room="r1", topic="x")), 15)}
        bad = {k: v for k, v in out.items() if v[0] != v[1]}
        return not bad and sync(b, 0x61) == [], "got/wanted %r" % out
    R.run("TOPIC refusals: 201 B -> TEXT_TOO_LONG(5), LF/ESC -> TEXT_INVALID(4), bad room -> ROOM_INVALID(15); "
          "nothing reaches the room", topic_errors)

    # -- ROOMS
    def rooms():
        m = ask(c, L.ROOMS)
        names = [x[0] for x in m.get("rooms", [])]
        d = {x[0]: (x[1], x[2]) for x in m.get("rooms", [])}
        plain = all(x[3] == 0 for x in m.get("rooms", []))
        return m["type"] == "ROOM_LIST" and names == sorted(names) and d.get("#r2") == (1, "") and plain \
            and d.get(R1, (0, ""))[1] == "lunch at noon" and d[R1][0] >= 4, repr(m)
    R.run("ROOMS -> ROOM_LIST sorted by name with member counts, topics and flags 0 (none end-to-end)", rooms)

    def rooms_sorted_how():
        m = ask(c, L.ROOMS)
        names = [x[0] for x in m["rooms"]]
        return True, "sorted as sent: %r (the page says 'sorted by name' but not byte order or skeleton)" % names
    R.run("note: ROOM_LIST order", rooms_sorted_how)

    # -- AWAY
    def away():
        for x in (a, b, e):
            sync(x, 0x5D)
        a.send(L.AWAY, text="lunch")
        quiet = sync(a, 0x71)
        b.send(L.WHO, room=R1)
        ros = recv_until(b, "ROSTER")[0]
        b.send(L.C_DM, to="rooma2", text="are you there")
        echo, got = recv_until(b, "DM")[0], recv_until(a, "DM")[0]
        a.send(L.AWAY, text="")
        sync(a, 0x72)
        b.send(L.WHO, room=R1)
        ros2 = recv_until(b, "ROSTER")[0]
        mine = [w for (n, k), w in ros["entries"] if k == a.ci]
        mine2 = [w for (n, k), w in ros2["entries"] if k == a.ci]
        return quiet == [] and mine == ["lunch"] and mine2 == [""] and echo["status"] == 2 and echo["note"] == "lunch" \
            and got["status"] == 0 and got["note"] == "", \
            "answer to AWAY %r; roster away %r then %r; echo %r; recipient %r" % (quiet, mine, mine2, echo, got)
    R.run("AWAY: nothing answers it; ROSTER shows the text; a DM's echo has status 2 with the note, the recipient "
          "status 0; AWAY '' clears it", away)

    def away_errors():
        out = {"201 bytes": (errcode(ask(a, L.AWAY, text="t" * 201)), 5),
               "line feed": (errcode(ask(a, L.AWAY, text="a\nb")), 4)}
        bad = {k: v for k, v in out.items() if v[0] != v[1]}
        return not bad, "got/wanted %r" % out
    R.run("AWAY refusals: 201 B -> TEXT_TOO_LONG(5), LF -> TEXT_INVALID(4)", away_errors)

    # -- offline DMs (§5.11)
    def offline():
        for x in (a, b, e):
            sync(x, 0x5E)
        k = L.Ed25519PrivateKey.generate()
        h = new("holder", room=None, identity=k)
        h.send(L.C_BYE, message=""); closed_by_peer(h)
        t0 = int(time.time() * 1000)
        b.send(L.C_DM, to="HOLDER", text="while you were out")
        echo = recv_until(b, "DM")[0]
        time.sleep(0.05)
        h2 = connect(port, identity=k)
        h2.send(L.JOIN, name="holder")
        w = h2.recv()
        d = h2.recv()
        h2.send(L.C_BYE, message=""); closed_by_peer(h2)
        h3 = connect(port, identity=k)
        h3.send(L.JOIN, name="holder")
        h3.recv()
        again = sync(h3, 0x81)
        h3.send(L.C_BYE, message=""); closed_by_peer(h3)
        return echo["status"] == 1 and echo["to"] == "holder" and w["type"] == "WELCOME" and d["type"] == "DM" \
            and d["status"] == 3 and d["text"] == "while you were out" and d["from"] == "roomB" \
            and abs(d["time"] - echo["time"]) < 2 and d["time"] >= t0 - 5000 and not again, \
            "echo %r; after WELCOME %r; next session %r" % (echo, d, [m["type"] for m in again])
    R.run("offline DM: echo status 1; right after the next WELCOME the DM with status 3 and its sending time; "
          "deleted once delivered", offline)

    def offline_full():
        k = L.Ed25519PrivateKey.generate()
        h = new("boxfull", room=None, identity=k)
        h.send(L.C_BYE, message=""); closed_by_peer(h)
        codes = []
        for i in range(101):
            b.send(L.C_DM, to="boxfull", text="n%d" % i)
            m = b.recv()
            while m["type"] not in ("DM", "ERROR"):
                m = b.recv()
            codes.append(m.get("status") if m["type"] == "DM" else "E%d" % m["code"])
        h2 = connect(port, identity=k)
        h2.send(L.JOIN, name="boxfull")
        h2.recv()
        got = sync(h2, 0x82)
        texts = [m["text"] for m in got if m["type"] == "DM"]
        h2.close()
        return codes[:100] == [1] * 100 and codes[100] == "E19" and texts == ["n%d" % i for i in range(100)], \
            "statuses %r...%r; delivered %d, first %r" % (codes[:2], codes[98:], len(texts), texts[:2])
    R.run("offline box: 100 DMs stored (status 1), the 101st -> OFFLINE_FULL(19); delivered oldest first", offline_full)

    def no_such():
        m = ask(b, L.C_DM, to="neverseen", text="x")
        return errcode(m) == 3, repr(m)
    R.run("DM to a name neither connected nor bound -> NO_SUCH_USER(3)", no_such)

    # -- room limit per client
    def too_many():
        t = new("roomT", room=None)
        codes = []
        for i in range(21):
            r = enter(t, "#lim%d" % i)
            codes.append("ok" if "own" in r else errcode(r["error"]))
        return codes[:20] == ["ok"] * 20 and codes[20] == 18, repr(codes)
    R.run("21st room of one client -> TOO_MANY_ROOMS(18) (max_rooms 20)", too_many)

    # -- room persists while empty
    def persists():
        p = new("roomP", room=None)
        r = enter(p, "#keep")
        p.send(L.SAY, room="#keep", text="remember me")
        room_events(p, "#keep", 1)
        p.send(L.PART, room="#keep", message="")
        sync(p, 0x91)
        r2 = enter(p, "#keep")
        return [h["text"] for h in r2["history"] if h["type"] == "MESSAGE"] == ["remember me"] \
            and r2["own"]["id"] == 4, "history %r own id %r" % (
                [(h["type"], h["id"]) for h in r2["history"]], r2.get("own", {}).get("id"))
    R.run("an emptied room keeps its ids and history: entering again continues them (§5.9)", persists)

    # -- a storm: MEMBERS_CHANGED
    def storm():
        w = new("watcher", room=None)
        enter(w, "#storm")
        joiners = []
        for i in range(8):
            j = new("storm%d" % i, room=None)
            joiners.append(j)
        for j in joiners:
            j.send(L.ENTER, room="#storm", since=0)
        got = room_events(w, "#storm", 8)
        for j in joiners:
            recv_until(j, "ROSTER")
        mcs = [m for m in getattr(w, "raw_members_changed", []) if m["room"] == "#storm"]
        ids = [m["id"] for m in got]
        return ids == list(range(2, 10)) and mcs, "ids %r, MEMBERS_CHANGED records %d (sizes %r)" % (
            ids, len(mcs), [len(m["changes"]) for m in mcs])
    R.run("8 ENTERs at once -> the watcher gets consecutive ids 2..9, some coalesced into MEMBERS_CHANGED", storm)


def run_room_option_checks(R, jar):
    """§7's room options, when the server's --help lists them."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-ropt-")
    h = server_help(jar, home)
    if "--max-rooms-per-client" not in h or "--history" not in h:
        R.check("room options: --help lists --max-rooms, --max-rooms-per-client and --history", False, "missing")
        return
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--rate", "0", "--connect-rate", "0", "--max-rooms", "3",
                                            "--max-rooms-per-client", "2", "--history", "0"])
    try:
        def limits():
            a = joined(port, "optA", room=None)
            b = joined(port, "optB", room=None)
            ra = [enter(a, r) for r in ("#o1", "#o2", "#o3")]
            rb = [enter(b, r) for r in ("#o3", "#o4")]
            ea, eb = ra[2].get("error", {}), rb[1].get("error", {})
            ok = a.welcome["max_rooms"] == 2 and "own" in ra[0] and "own" in ra[1] and ea.get("code") == 18 \
                and "own" in rb[0] and eb.get("code") == 18 and ea.get("text") != eb.get("text")
            a.close(); b.close()
            return ok, "WELCOME max_rooms %r; A's third room %r; B's #o4 (server full of rooms) %r" % (
                a.welcome["max_rooms"], ea, eb)
        R.run("--max-rooms-per-client 2 (WELCOME max_rooms 2) and --max-rooms 3: each limit -> TOO_MANY_ROOMS(18), "
              "the texts say which", limits)

        def no_store():
            k = L.Ed25519PrivateKey.generate()
            x = joined(port, "optGone", identity=k, room=None)
            x.send(L.C_BYE, message=""); closed_by_peer(x)
            c = joined(port, "optC", room=None)
            m = ask(c, L.C_DM, to="optGone", text="kept?")
            c.close()
            return errcode(m) == 19, repr(m)
        R.run("--history 0: a DM for a bound name not connected -> OFFLINE_FULL(19) saying so (§5.11)", no_store)
    finally:
        srv.stop()


def _paged_roster(R, port, new):
    """§4.3/§5.4: a ROSTER over 65,520 bytes is split with more = 1 on every record but the last."""
    def f():
        members = []
        for i in range(260):
            m = new("p%s%03d" % ("x" * 20, i), room=None)
            m.send(L.AWAY, text="z" * 200)
            members.append(m)
        for m in members:
            m.send(L.ENTER, room="#big", since=0)
        for m in members:
            m.sock.settimeout(30)
        last = members[-1]
        sync(last, 0xB1)
        last.send(L.WHO, room="#big")
        recs = []
        for _ in range(100000):
            x = last.recv()
            if x["type"] == "ROSTER" and x.get("room") == "#big" and (not recs or recs[-1]["more"] == 1):
                recs.append(x)
                if x["more"] == 0:
                    break
        entries = [e for r in recs for e in r["entries"]]
        for m in members:
            m.close()
        return len(recs) >= 2 and all(r["more"] == 1 for r in recs[:-1]) and recs[-1]["more"] == 0 \
            and len(entries) == 260 and all(w == "z" * 200 for _, w in entries), \
            "%d records, more %r, %d entries" % (len(recs), [r["more"] for r in recs], len(entries))
    R.run("paged ROSTER: 260 members away with 200-byte texts -> several records, more = 1 but on the last", f)


# ------------------------------------------------- join codes ("Join codes (EC-J-PAKE)")

def _scalar():
    return secrets.randbelow(J.N - 1) + 1


def _canonical(code):
    parts = re.split(r"[- ]+", code.strip().lower())
    return "%d-%s-%s" % (int(parts[0]), parts[1], parts[2])


def join_code_try(port, code, identity, name):
    """Runs the exchange as the page's client would, after CLIENT_AUTH, with `code`.

    Returns (outcome, detail): "welcome" (server confirmation verified, JOIN -> WELCOME; the
    connection is left), "refused" (ERROR JOIN_CODE_FAILED(14), then the server closed), or
    "bad: ..." for anything else the page does not allow."""
    code = _canonical(code)
    s = int.from_bytes(code.encode("ascii"), "big") % J.N
    c = connect(port, identity=identity)
    try:
        x1, x2 = _scalar(), _scalar()
        gx1, gx2 = J.mul(J.G, x1), J.mul(J.G, x2)
        c1 = (bytes([int(code.split("-")[0])]) + J.point_field(gx1) + J.point_field(gx2)
              + J.proof(J.G, x1, _scalar(), "lanchat-client") + J.proof(J.G, x2, _scalar(), "lanchat-client"))
        c.send_raw_plain(b"\x17" + c1)
        r1, r2 = c.recv_raw(), c.recv_raw()
        if r1[0] != 0x29 or r2[0] != 0x2A:
            return "bad: server rounds are types %02x, %02x" % (r1[0], r2[0]), c
        s1, s2 = r1[1:], r2[1:]
        b = J.Body(s1)
        gx3, gx4 = b.point(), b.point()
        ok = J.verify(J.G, gx3, b.point(), b.scalar(), "lanchat-server")
        ok = J.verify(J.G, gx4, b.point(), b.scalar(), "lanchat-server") and ok
        b.end()
        g_b = J.add(J.add(gx1, gx2), gx3)
        b = J.Body(s2)
        big_b = b.point()
        ok = J.verify(g_b, big_b, b.point(), b.scalar(), "lanchat-server") and ok
        b.end()
        if not ok:
            return "bad: a server proof does not verify", c
        g_a, x2s = J.add(J.add(gx1, gx3), gx4), x2 * s % J.N
        c2 = J.point_field(J.mul(g_a, x2s)) + J.proof(g_a, x2s, _scalar(), "lanchat-client")
        k_pt = J.mul(J.add(big_b, J.neg(J.mul(gx4, x2s))), x2)
        km = k_pt[0].to_bytes(32, "big")
        pt = hashlib.sha256(c1 + s1 + c2 + s2).digest()
        bound = c.th + c.si + c.ci
        prk = hmac.new(c.th, km, hashlib.sha256).digest()
        k = hmac.new(prk, b"lanchat v2 join code" + c.si + c.ci + pt + b"\x01", hashlib.sha256).digest()
        c.send_raw_plain(b"\x18" + c2)
        c.send_raw_plain(b"\x19" + hmac.new(k, b"lanchat v2 client confirm" + bound, hashlib.sha256).digest())
        answer = c.recv_raw()
        if answer[0] == 0x27:
            m = L.decode_s2c(answer)
            closed, seen = closed_by_peer(c)
            if m["code"] == 14 and closed:
                return "refused", c
            return "bad: %r, closed=%s, then %r" % (m, closed, seen), c
        want = hmac.new(k, b"lanchat v2 server confirm" + bound, hashlib.sha256).digest()
        if answer[0] != 0x2B or len(answer) != 33 or not hmac.compare_digest(answer[1:], want):
            return "bad: no valid server confirmation: %s" % answer.hex(), c
        c.send(L.JOIN, name=name)
        w = c.recv()
        if w["type"] != "WELCOME":
            return "bad: JOIN after the confirmation -> %r" % (w,), c
        return "welcome", c
    except Exception as e:  # noqa
        return "bad: %r" % (e,), c


def run_join_code_checks(R, jar):
    """The join-code exchange live against an allowlist server, codes made by `invite`."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-jc-")
    if "invite" not in server_help(jar, home):
        R.check("join code: server --help lists the invite subcommand", False, "no invite in --help")
        return
    port = free_port()
    srv, fp = start_server(jar, home, port, ["--access", "allowlist", "--connect-rate", "0"])

    def invite(*args):
        rc, out = admin(jar, home, "invite", *args)
        m = re.search(r"\b(\d{1,2}-[a-z]+-[a-z]+)\b", out)
        return (m.group(1) if rc == 0 and m else None), out

    def wrong(code):
        n, w1, w2 = code.split("-")
        return "%s-%s-%s" % (n, "zzzz" if w1 != "zzzz" else "yyyy", w2)

    def plain_join(key, name):
        c, m = join_result(port, name, key)
        if c:
            leave(c)
        return c is not None, m

    try:
        code, out = invite("--name", "newbie")
        R.check("join code: `chat-server invite --name newbie` exits 0 and prints an N-word-word code",
                code is not None, out[-300:])
        if code is None:
            return
        kn = L.Ed25519PrivateKey.generate()
        res = {}

        def right():
            outcome, c = join_code_try(port, code, kn, "newbie")
            res["c"] = c
            return outcome == "welcome", outcome
        R.run("join code: the right code -> server confirmation verifies, JOIN -> WELCOME (within 1 s of invite)",
              lambda: eventually(right))
        if res.get("c"):
            res["c"].close()
        rc, out = admin(jar, home, "names")
        R.check("join code: `chat-server names` binds the invite's name to the newcomer's key",
                rc == 0 and "newbie" in out and L.fingerprint(L.ed25519_pub(kn)) in out, out[-300:])
        ok, m = plain_join(kn, "newbie")
        R.check("join code: the newcomer's key is now allowlisted (plain JOIN -> WELCOME)", ok, repr(m))
        ok, m = plain_join(L.Ed25519PrivateKey.generate(), "other")
        R.check("join code: another unknown key is still NOT_ALLOWED(13)",
                not ok and m.get("code") == 13, repr(m))
        outcome, _ = join_code_try(port, code, L.Ed25519PrivateKey.generate(), "again")
        R.check("join code: a used-up one-use code -> JOIN_CODE_FAILED(14)", outcome == "refused", outcome)

        code2, out = invite("--uses", "5")
        kw = L.Ed25519PrivateKey.generate()
        outcome, _ = join_code_try(port, wrong(code2), kw, "guesser")
        R.check("join code: a wrong code -> ERROR JOIN_CODE_FAILED(14), close", outcome == "refused", outcome)
        ok, m = plain_join(kw, "guesser")
        R.check("join code: after a wrong code nothing joins (the key stays NOT_ALLOWED(13))",
                not ok and m.get("code") == 13, repr(m))
        outs = [join_code_try(port, wrong(code2), L.Ed25519PrivateKey.generate(), "g%d" % i)[0]
                for i in range(2)]
        R.check("join code: the 2nd and 3rd wrong codes -> JOIN_CODE_FAILED(14)",
                outs == ["refused", "refused"], repr(outs))
        outcome, _ = join_code_try(port, code2, L.Ed25519PrivateKey.generate(), "late")
        R.check("join code: after three wrong codes the right one fails too (burned)",
                outcome == "refused", outcome)
        outcome, _ = join_code_try(port, "%d-%s" % ((int(code2.split("-")[0]) + 50) % 100,
                                                   code2.split("-", 1)[1]),
                                   L.Ed25519PrivateKey.generate(), "nobody")
        R.check("join code: a number with no invite fails like a wrong code (14)", outcome == "refused", outcome)
    finally:
        srv.stop()
    run_join_code_rate_check(R, jar)


def run_join_code_rate_check(R, jar):
    """§7: a failed join-code exchange counts as one more new connection from its source."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-jcr-")
    port = free_port()
    # a bucket of 4 that hardly refills: start_server's probe takes 1, the failed try 2
    srv, fp = start_server(jar, home, port, ["--access", "allowlist", "--connect-rate", "0.001",
                                             "--connect-burst", "4"])
    try:
        rc, out = admin(jar, home, "invite")
        m = re.search(r"\b(\d{1,2})-[a-z]+-[a-z]+\b", out)
        outcome = join_code_try(port, "%s-zzzz-yyyy" % (m.group(1) if m else "0"),
                                L.Ed25519PrivateKey.generate(), "guesser")[0]
        seen = []
        for _ in range(2):
            sock = socket.create_connection((LOOPBACK, port), timeout=T)
            sock.settimeout(T)
            closed, frames = raw_closed(sock, limit=1)
            seen.append(len(frames))
            sock.close()
        R.check("join code: a failed exchange takes one more token of the address's connect rate"
                " (burst 4: probe, try + failure, one more connection, then closed before the ServerHello)",
                outcome == "refused" and seen == [1, 0], "outcome=%s ServerHellos=%r" % (outcome, seen))
    finally:
        srv.stop()


# ------------------------------------------------------------------ key update (page "Key update")

def run_key_update_checks(R, jar):
    """Both directions of a key update against the real server, started with the page's test
    property so that it updates its own direction every 3 records."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-ku-")
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--rate", "0", "--connect-rate", "0"],
                          jvm=["-Dlanchat.test.keyUpdateRecords=3"])
    try:
        def follows_ours():
            a = joined(port, "kuAlice")
            b = joined(port, "kuBob")
            sync(b, 1)
            for i in range(5):
                a.update_key()
                sync(a, 0x100 + i)
            a.send(L.SAY, text="after five updates")
            m, _ = recv_until(b, "MESSAGE")
            a.close()
            b.close()
            return m["text"] == "after five updates" and a.tx.seq <= 2, repr(m)
        R.run("client KEY_UPDATE (1a) under k, then records under k' from seq 0: PONGs and a SAY "
              "delivered after five updates", follows_ours)

        def sixteen():
            c = joined(port, "kuSixteen")
            for _ in range(L.KEY_UPDATE_MAX_IN_A_ROW):
                c.update_key()
            sync(c, 0x16)
            c.close()
            return True, ""
        R.run("16 KEY_UPDATEs in a row, then PING -> PONG", sixteen)

        def refused(name, act):
            def f():
                c = joined(port, name)
                sync(c, 1)
                act(c)
                closed, seen = closed_by_peer(c)
                c.close()
                return closed and not any(isinstance(m, dict) and m.get("type") == "PONG"
                                          for m in seen), repr(seen)
            return f

        def seventeen(c):
            for _ in range(L.KEY_UPDATE_MAX_IN_A_ROW + 1):
                c.update_key()
            c.send(L.PING, token=0x17)
        R.run("17 KEY_UPDATEs in a row -> close", refused("kuSeventeen", seventeen))

        def stale(c):
            old = L.Channel(c.tx.key)
            old.seq = c.tx.seq + 1  # the next record k would have sealed after KEY_UPDATE
            c.update_key()
            L.send_frame(c.sock, old.seal(L.encode_c2s(L.PING, token=2)))
        R.run("record under the old key after KEY_UPDATE -> close", refused("kuStale", stale))

        def replayed(c):
            ct = c.tx.seal(bytes([L.KEY_UPDATE_C2S]))
            L.send_frame(c.sock, ct)
            c.tx.update()
            L.send_frame(c.sock, ct)
        R.run("replayed KEY_UPDATE -> close", refused("kuReplay", replayed))

        def dropped(c):
            c.tx.seal(bytes([L.KEY_UPDATE_C2S]))  # sealed, never sent
            c.tx.update()
            c.send(L.PING, token=3)
        R.run("record under k' whose KEY_UPDATE was dropped -> close", refused("kuDropped", dropped))

        def server_updates():
            c = joined(port, "kuServer")
            tokens = []
            for i in range(30):
                c.send(L.PING, token=0x500 + i)
                m, _ = recv_until(c, "PONG")
                tokens.append(m["token"])
            seen = getattr(c, "key_updates_seen", 0)
            c.close()
            return tokens == [0x500 + i for i in range(30)] and seen >= 8, \
                "updates from the server: %d, tokens in order: %s" % (
                    seen, tokens == [0x500 + i for i in range(30)])
        R.run("server sends KEY_UPDATE (2c) every 3 records; every later record opens under its "
              "k', 30 PONGs in order", server_updates)
    finally:
        srv.stop()


# ---------------------------------------------------------------- end-to-end layer (issue 17)

def publish(c, serial=1, **kw):
    """Publishes a fresh e2e key of c (E2E_KEY); keeps the private keys in c.e2e by serial."""
    b, x = E.make_e2e_key(c.identity, serial=serial, **kw)
    c.send(L.E2E_KEY, e2e_key=b)
    c.__dict__.setdefault("e2e", {})[serial] = x
    c.e2e_key = b
    return b


def keys_of(c, target):
    """E2E_KEYS_GET target -> (the E2E_KEYS records up to more 0, or the ERROR)."""
    c.send(L.E2E_KEYS_GET, target=target)
    recs = []
    for _ in range(100):
        m = c.recv()
        if m["type"] == "ERROR":
            return m
        if m["type"] == "E2E_KEYS":
            recs.append(m)
            if m["more"] == 0:
                return recs
    raise AssertionError("no last E2E_KEYS record")


def e2e_strict(port, label, plaintext, R):
    """A malformed end-to-end message from a joined client ends its connection (§4.1)."""
    def f():
        c = joined(port, "e2eMal" + secrets.token_hex(3), identity=L.Ed25519PrivateKey.generate(), room=None)
        c.send_raw_plain(plaintext)
        closed, seen = closed_by_peer(c)
        c.close()
        return closed, "closed=%s seen=%r" % (closed, seen)
    R.run(label, f)


def run_block(R, jar, name, block):
    """Runs block(R, port, home) against a fresh server with every rate limit off; an exception
    inside is one failed check naming where the block stopped. Returns the server's home."""
    home = tempfile.mkdtemp(prefix="lanchat-conf-%s-" % name)
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--rate", "0", "--connect-rate", "0", "--room-rate", "0",
                                            "--room-byte-rate", "0", "--idle-timeout", "0"])
    try:
        try:
            block(R, port, home)
        except Exception as e:  # noqa
            import traceback
            R.check("%s: the block ran to its end" % name, False,
                    "stopped by %r at %s" % (e, traceback.format_exc().splitlines()[-3:]))
    finally:
        srv.stop()
    return home


def run_e2e_checks(R, jar):
    run_block(R, jar, "e2e", _e2e_block)


def _e2e_block(R, port, home):
    conns = []

    def new(name, room=None, key=True):
        c = joined(port, name, identity=key_for(name), room=room)
        conns.append(c)
        if key:
            publish(c)
        return c
    x, y = new("e2eX"), new("e2eY")

    # -- E2E_KEY
    def published():
        quiet = sync(x, 0xE1) + sync(y, 0xE2)
        return quiet == [], "answers to E2E_KEY: %r" % quiet
    R.run("E2E_KEY with a valid key: nothing answers it (PING/PONG right behind)", published)

    def bad_keys():
        other = L.Ed25519PrivateKey.generate()
        c = new("e2eBad", key=False)
        now = int(time.time() * 1000)
        variants = {}
        good2, _ = E.make_e2e_key(c.identity, serial=2)
        variants["owner another key (signed by it)"] = E.make_e2e_key(other, serial=1)[0]
        variants["owner ours, signed by another key"] = E.make_e2e_key(c.identity, serial=1, sign_with=other)[0]
        sig_flip = bytearray(E.make_e2e_key(c.identity, serial=1)[0]); sig_flip[100] ^= 1
        variants["signature one bit off"] = bytes(sig_flip)
        variants["not_after passed"] = E.make_e2e_key(c.identity, serial=1, not_after=now - 1000)[0]
        out = {}
        for label, b in variants.items():
            c.send(L.E2E_KEY, e2e_key=b)
            m = c.recv()
            out[label] = errcode(m)
        c.send(L.E2E_KEY, e2e_key=good2)
        out["valid serial 2 (accepted: no answer)"] = sync(c, 0xE3) == [] or "answered"
        c.send(L.E2E_KEY, e2e_key=E.make_e2e_key(c.identity, serial=1)[0])
        out["serial 1 after 2"] = errcode(c.recv())
        c.send(L.E2E_KEY, e2e_key=E.make_e2e_key(c.identity, serial=2)[0])
        out["serial 2 again, other bytes"] = errcode(c.recv())
        c.send(L.E2E_KEY, e2e_key=good2)
        again = sync(c, 0xE4)
        out["the same serial 2 bytes again (not an error per the brief)"] = again == [] or repr(again)
        alive = sync(c, 0xE5) == []
        want = {k: (True if "accepted" in k or "again (not" in k else 21) for k in out}
        return out == want and alive, "got %r (connection usable: %s)" % (out, alive)
    R.run("E2E_KEY refused -> ERROR E2E_KEY_INVALID(21), connection usable: owner not ours, bad signature, "
          "not_after passed, serial below the published one, same serial with other bytes", bad_keys)

    def before_join():
        c = connect(port)
        k = E.make_e2e_key(c.identity)[0]
        sealed = E.seal_dm(c.identity, y.ci, y.e2e_key, 1, 1, b"x")
        rm = E.Chain("#general").seal(c.identity, "x")
        codes = [errcode(ask(c, L.E2E_KEY, e2e_key=k)), errcode(ask(c, L.E2E_KEYS_GET, target="e2eY")),
                 errcode(ask(c, L.C_SEALED_DM, to="e2eY", sealed_dm=sealed)),
                 errcode(ask(c, L.E2E_SAY, room="#general", room_message=rm))]
        c.close()
        return codes == [8, 8, 8, 8], repr(codes)
    R.run("E2E_KEY, E2E_KEYS_GET, SEALED_DM, E2E_SAY before WELCOME -> ERROR NOT_JOINED(8) each (§5.1)", before_join)

    # -- E2E_KEYS_GET of a name
    def by_name():
        r1 = keys_of(x, "E2EY")
        r2 = keys_of(x, "nobody-here")
        r3 = keys_of(x, "bad name")
        n = new("e2eNoKey", key=False)
        r4 = keys_of(x, "e2enokey")
        # the brief does not say whether target is echoed as asked or in the server's spelling
        ok1 = isinstance(r1, list) and len(r1) == 1 and r1[0]["target"] in ("E2EY", "e2eY") \
            and r1[0]["keys"] == [("e2eY", y.e2e_key)]
        ok4 = isinstance(r4, list) and len(r4) == 1 and r4[0]["keys"] == []
        leave(n)
        return ok1 and errcode(r2) == 3 and errcode(r3) == 2 and ok4, \
            "y: %r; unknown: %r; invalid: %r; no key: %r" % (r1, r2, r3, r4)
    R.run("E2E_KEYS_GET name: E2E_KEYS(target, more 0, [(server's spelling, the key as published)]); "
          "unknown -> NO_SUCH_USER(3); invalid -> NAME_INVALID(2); no key published -> count 0", by_name)

    # -- an end-to-end room
    SEC = "#sec-" + secrets.token_hex(2)
    ex = enter(x, SEC, flags=1)
    R.check("ENTER %s with flag 1 (a new room): ENTERED flags 1" % SEC,
            "own" in ex and ex["entered"]["flags"] == 1, repr(ex.get("entered") or ex.get("error")))
    ey = enter(y, SEC)
    R.check("ENTER of an end-to-end room without the flag: fine, ENTERED flags 1",
            "own" in ey and ey["entered"]["flags"] == 1, repr(ey.get("entered") or ey.get("error")))
    room_events(x, SEC, 1)  # y's JOINED

    def room_list():
        plain = enter(x, "#plain-e2e")
        m = ask(x, L.ROOMS)
        d = {r[0]: r for r in m.get("rooms", [])}
        return plain.get("own") and d.get(SEC, (0, 0, 0, None))[3] == 1 and d.get("#plain-e2e", (0, 0, 0, None))[3] == 0 \
            and d.get("#general", (0, 0, 0, None))[3] in (0, None), repr(m)
    R.run("ROOM_LIST: flags 1 for the end-to-end room, 0 for a plain room", room_list)

    def mismatches():
        out = {}
        z = new("e2eZ")
        out["ENTER flag of a plain room that exists"] = errcode(enter(z, "#plain-e2e", flags=1).get("error"))
        out["ENTER flag of #general"] = errcode(enter(z, "#general", flags=1).get("error"))
        out["ENTER flag of #GENERAL (skeleton)"] = errcode(enter(z, "#GENERAL", flags=1).get("error"))
        out["SAY in the e2e room"] = errcode(ask(x, L.SAY, room=SEC, text="plain in e2e"))
        out["ME in the e2e room"] = errcode(ask(x, L.ME, room=SEC, text="waves"))
        rm = E.Chain("#plain-e2e").seal(x.identity, "e2e in plain")
        out["E2E_SAY in a plain room"] = errcode(ask(x, L.E2E_SAY, room="#plain-e2e", room_message=rm))
        nk = new("e2eNoKey2", key=False)
        out["ENTER of the e2e room, no key published"] = errcode(enter(nk, SEC).get("error"))
        out["ENTER flag of a new room, no key published"] = errcode(enter(nk, "#sec-new-%s" % secrets.token_hex(2),
                                                                         flags=1).get("error"))
        out["E2E_SAY in a room not in"] = errcode(ask(z, L.E2E_SAY, room=SEC, room_message=rm))
        out["E2E_KEYS_GET of a room not in"] = errcode(keys_of(z, SEC))
        out["E2E_KEYS_GET of '#a b'"] = errcode(keys_of(z, "#a b"))
        out["SEALED_DM to nobody"] = errcode(ask(x, L.C_SEALED_DM, to="nobody-here",
                                                 sealed_dm=E.seal_dm(x.identity, y.ci, y.e2e_key, 1, 1, b"x")))
        want = dict(zip(out, [22, 22, 22, 22, 22, 22, 21, 21, 16, 16, 15, 3]))
        # §4.2: a bad SEALED_DM `to` is answered with an ERROR (as DM: NO_SUCH_USER, or NAME_INVALID)
        bad_to = errcode(ask(x, L.C_SEALED_DM, to="bad name",
                             sealed_dm=E.seal_dm(x.identity, y.ci, y.e2e_key, 1, 1, b"x")))
        out["SEALED_DM to 'bad name' (3 or 2)"] = bad_to
        want["SEALED_DM to 'bad name' (3 or 2)"] = bad_to if bad_to in (2, 3) else "3 or 2"
        alive = all(sync(c, 0xE6) is not None for c in (x, z, nk))
        bad = {k: (out[k], want[k]) for k in out if out[k] != want[k]}
        leave(nk)
        return not bad and alive, "got/wanted where they differ: %r; all: %r" % (bad, out)
    R.run("E2E_MISMATCH(22): ENTER flag of an existing plain room, of #general; SAY/ME in an e2e room; E2E_SAY "
          "in a plain room. E2E_KEY_INVALID(21): ENTER of an e2e room with no key published. NOT_IN_ROOM(16), "
          "ROOM_INVALID(15), NO_SUCH_USER(3) for E2E_SAY/E2E_KEYS_GET/SEALED_DM; an ERROR for a SEALED_DM to an "
          "invalid name", mismatches)

    # -- E2E_KEYS_GET of the room, sender keys as SEALED_DM kind 2, E2E_SAY -> E2E_MESSAGE
    state = {}

    def room_keys():
        recs = keys_of(x, SEC.upper())
        keys = [k for r in recs for k in r["keys"]] if isinstance(recs, list) else recs
        pinned = {n: k for (n, k), _ in ex["entries"] + ey["entries"]}
        pinned.update({n: k for (n, k), _ in ey["entries"]})
        problems = {n: E.e2e_key_problem(b, pinned.get(n)) for n, b in keys} if isinstance(keys, list) else {}
        state["keys"] = dict(keys) if isinstance(keys, list) else {}
        return isinstance(keys, list) and [n for n, _ in keys] == ["e2eX", "e2eY"] \
            and recs[-1]["more"] == 0 and state["keys"].get("e2eY") == y.e2e_key \
            and all(p is None for p in problems.values()), "records %r; checks against the roster: %r" % (recs, problems)
    R.run("E2E_KEYS_GET of the room (other spelling): every member with a key, in roster order, more 0 on the "
          "last record; each key checks against the key the ROSTER gave (owner, signature, not_after)", room_keys)

    xchain = E.Chain(SEC)
    yreader = E.Reader(SEC)

    def sender_key_dm():
        sealed = E.seal_dm(x.identity, y.ci, state["keys"]["e2eY"], E.KIND_SENDER_KEY, 1, xchain.sender_key())
        sid = x.next_id()
        x.send(L.C_SEALED_DM, id=sid, to="E2EY", sealed_dm=sealed)
        echo = recv_until(x, "SEALED_DM")[0]
        got = recv_until(y, "SEALED_DM")[0]
        opened = E.open_dm(y.e2e, y.ci, got["from_key"], got["sealed_dm"])
        yreader.accept_sender_key(got["from_key"], opened["content"])
        state["sid"] = sid
        return echo["sealed_dm"] == sealed and got["sealed_dm"] == sealed and echo["status"] == 0 \
            and got["status"] == 0 and got["from"] == "e2eX" and got["to"] == "e2eY" and echo["to"] == "e2eY" \
            and got["from_key"] == x.ci and echo["from_key"] == x.ci and opened["kind"] == 2 \
            and opened["counter"] == 1 and got["note"] == "" and echo["time"] == got["time"], \
            "echo %r; delivered %r" % ({k: v for k, v in echo.items() if k != "sealed_dm"},
                                      {k: v for k, v in got.items() if k != "sealed_dm"})
    R.run("SEALED_DM live (a sender key, kind 2): echo and delivery carry the same sealed bytes, time, status 0, "
          "the server's spellings, from_key = the sender's key; the recipient opens it and the signature verifies",
          sender_key_dm)

    def e2e_say():
        rm = xchain.seal(x.identity, "hello sealed room")
        eid = x.next_id()
        x.send(L.E2E_SAY, id=eid, room=SEC, room_message=rm)
        mx = room_events(x, SEC, 1)[0]
        my = room_events(y, SEC, 1)[0]
        text, skipped = yreader.open(my["sender"], my["room_message"])
        state["rm"], state["eid"], state["ev"] = rm, eid, my
        return my["type"] == "E2E_MESSAGE" and mx["type"] == "E2E_MESSAGE" and my["room_message"] == rm \
            and mx["room_message"] == rm and my["from"] == "e2eX" and my["sender"] == x.ci \
            and my["payload"] == L.enc_str("e2eX") + L.enc_str(rm) and my["id"] == mx["id"] \
            and my["head"] == mx["head"] and text == "hello sealed room" and skipped == 0 \
            and not x.chains.issues and not y.chains.issues, \
            "x got %r; y got %r; opened %r; chain issues %r %r" % (
                mx.get("type"), {k: v for k, v in my.items() if k not in ("room_message", "payload")},
                text, x.chains.issues, y.chains.issues)
    R.run("E2E_SAY -> E2E_MESSAGE to every member, the sender too: room_message byte-identical, from/sender the "
          "sender's, payload from||room_message; the other Python client opens it; the head is recomputed from "
          "the page's chain (payload = the ciphertext as relayed)", e2e_say)

    def exactly_once():
        rm = xchain.seal(x.identity, "once only")
        eid = x.next_id()
        x.send(L.E2E_SAY, id=eid, room=SEC, room_message=rm)
        x.send(L.E2E_SAY, id=eid, room=SEC, room_message=rm)
        x.send(L.E2E_SAY, id=state["eid"], room=SEC, room_message=rm)  # an old id, new bytes
        sealed = E.seal_dm(x.identity, y.ci, y.e2e_key, E.KIND_TEXT, 2, b"dm once")
        did = x.next_id()
        x.send(L.C_SEALED_DM, id=did, to="e2eY", sealed_dm=sealed)
        x.send(L.C_SEALED_DM, id=did, to="e2eY", sealed_dm=sealed)
        x.send(L.C_SEALED_DM, id=eid, to="e2eY", sealed_dm=sealed)  # the E2E_SAY's id: one id space
        got_x = sync(x, 0xE7)
        got_y = sync(y, 0xE8)
        ev = [m for m in got_y if m["type"] == "E2E_MESSAGE"]
        dms = [m for m in got_y if m["type"] == "SEALED_DM"]
        echos = [m for m in got_x if m["type"] == "SEALED_DM"]
        if ev:
            yreader.open(ev[0]["sender"], ev[0]["room_message"])
        return len(ev) == 1 and len(dms) == 1 and len(echos) == 1 and not [m for m in got_x if m["type"] == "ERROR"], \
            "y saw %r; x saw %r" % ([m["type"] for m in got_y], [m["type"] for m in got_x])
    R.run("exactly once: an E2E_SAY sent twice with one id, and again with an older id, is one event; a SEALED_DM "
          "twice, and with an E2E_SAY's id, is one delivery (no ERROR)", exactly_once)

    def newcomer():
        w = new("e2eW")
        ew = enter(w, SEC)
        hist = [h for h in ew.get("history", []) if h["type"] == "E2E_MESSAGE"]
        room_events(x, SEC, 1); room_events(y, SEC, 1)
        return "own" in ew and ew["entered"]["flags"] == 1 and len(hist) >= 1 \
            and hist[0]["room_message"] == state["rm"] and hist[0]["id"] == state["ev"]["id"] \
            and hist[0]["head"] == state["ev"]["head"] and not w.chains.issues, \
            "history %r" % [(h["type"], h["id"]) for h in ew.get("history", [])]
    R.run("a newcomer's ENTER (since 0): ENTERED flags 1 and the E2E_MESSAGE in its context, bytes, id and head "
          "as relayed live", newcomer)

    def catch_up():
        leave_y = y
        sync(leave_y, 0xED)
        last = leave_y.chains.state[L.room_skeleton(SEC)][0]  # the last id y saw there
        rm = xchain.seal(x.identity, "while y was away")
        leave_y.send(L.PART, room=SEC, message="")
        sync(leave_y, 0xE9)
        x.send(L.E2E_SAY, room=SEC, room_message=rm)
        ev = [m for m in room_events(x, SEC, 2) if m["type"] == "E2E_MESSAGE"]
        ey2 = enter(leave_y, SEC, since=last)
        got = [h for h in ey2.get("history", []) if h["type"] == "E2E_MESSAGE"]
        room_events(x, SEC, 1)
        return "own" in ey2 and any(h["room_message"] == rm for h in got) and ev and ev[0]["room_message"] == rm, \
            "catch-up history %r" % [(h["type"], h["id"]) for h in ey2.get("history", [])]
    R.run("catch-up (ENTER since = last seen id) replays E2E_MESSAGE events as stored", catch_up)

    # -- SEALED_DM to an offline bound user
    def offline():
        k = key_for("e2eH")
        h = joined(port, "e2eH", identity=k, room=None)
        hkey = publish(h)
        sync(h, 0xEA)
        leave(h)
        recs = keys_of(x, "e2eh")
        fetched = recs[0]["keys"] if isinstance(recs, list) else recs
        sealed = E.seal_dm(x.identity, L.ed25519_pub(k), hkey, E.KIND_TEXT, 1, "while you were out".encode())
        x.send(L.C_SEALED_DM, to="E2EH", sealed_dm=sealed)
        echo = recv_until(x, "SEALED_DM")[0]
        h2 = connect(port, identity=k)
        h2.send(L.JOIN, name="e2eH")
        w = h2.recv()
        d = h2.recv()
        ok_open = None
        if d.get("type") == "SEALED_DM":
            o = E.open_dm(h.e2e, L.ed25519_pub(k), d["from_key"], d["sealed_dm"])
            ok_open = (o["kind"], o["counter"], o["content"])
        again = sync(h2, 0xEB)
        leave(h2)
        return fetched == [("e2eH", hkey)] and echo["status"] == 1 and echo["sealed_dm"] == sealed \
            and w["type"] == "WELCOME" and d["type"] == "SEALED_DM" and d["status"] == 3 \
            and d["sealed_dm"] == sealed and d["from"] == "e2eX" and d["from_key"] == x.ci \
            and ok_open == (1, 1, b"while you were out") and not [m for m in again if m["type"] == "SEALED_DM"], \
            "keys of the offline user %r; echo status %r; after WELCOME %r; opened %r" % (
                fetched, echo.get("status"), {kk: v for kk, v in d.items() if kk != "sealed_dm"}, ok_open)
    R.run("SEALED_DM to an offline bound user: its key still handed out (kept in the store); echo status 1; right "
          "after its next WELCOME the same bytes with status 3, which it opens; delivered once", offline)

    def store_has_no_text():
        # a control text in a plain room, then look through the store's files for both texts
        marker_plain = "plain-control-%s" % secrets.token_hex(4)
        marker_e2e = "hello sealed room"
        x.send(L.SAY, room="#plain-e2e", text=marker_plain)
        room_events(x, "#plain-e2e", 1)
        sync(x, 0xEC)
        blobs = b""
        base = store_path(home)
        for f in os.listdir(os.path.dirname(base)):
            p = os.path.join(os.path.dirname(base), f)
            if f.startswith(os.path.basename(base)) and os.path.isfile(p):
                blobs += open(p, "rb").read()
        return marker_plain.encode() in blobs and marker_e2e.encode() not in blobs \
            and b"while you were out" not in blobs and b"dm once" not in blobs, \
            "store bytes %d; control found: %s" % (len(blobs), marker_plain.encode() in blobs)
    R.run("the store's files (db, WAL, journal) hold no end-to-end text; the control text of a plain room is there",
          store_has_no_text)

    # -- malformed end-to-end messages end the connection (§4.1)
    me = L.Ed25519PrivateKey.generate()
    good_key = E.make_e2e_key(me)[0]
    sealed = E.seal_dm(me, y.ci, y.e2e_key, 1, 1, b"x")
    rm = E.Chain(SEC).seal(me, "x")
    e2e_strict(port, "ENTER flags 2 -> close", b"\x40" + L.enc_str("#general") + bytes(8) + b"\x02", R)
    e2e_strict(port, "ENTER in the old layout (no flags byte) -> close", b"\x40" + L.enc_str("#general") + bytes(8), R)
    e2e_strict(port, "E2E_KEY of 139 bytes -> close", b"\x1c" + good_key[:139], R)
    e2e_strict(port, "E2E_KEY of 141 bytes -> close", b"\x1c" + good_key + b"\x00", R)
    e2e_strict(port, "E2E_KEY with not_after 2^63 -> close", b"\x1c" + good_key[:64] + struct.pack(">Q", 2 ** 63)
               + good_key[72:], R)
    e2e_strict(port, "SEALED_DM id 0 -> close", b"\x1e" + bytes(8) + L.enc_str("e2eY") + L.enc_str(sealed), R)
    e2e_strict(port, "SEALED_DM whose sealed_dm is 124 bytes (ct under 89) -> close",
               b"\x1e" + struct.pack(">Q", 5) + L.enc_str("e2eY") + L.enc_str(sealed[:124]), R)
    e2e_strict(port, "SEALED_DM whose sealed_dm is 16,385 bytes -> close",
               b"\x1e" + struct.pack(">Q", 5) + L.enc_str("e2eY") + L.enc_str(sealed + bytes(16385 - len(sealed))), R)
    e2e_strict(port, "SEALED_DM whose bytes run past the end -> close",
               b"\x1e" + struct.pack(">Q", 5) + L.enc_str("e2eY") + struct.pack(">H", len(sealed) + 1) + sealed, R)
    e2e_strict(port, "E2E_SAY id 0 -> close", b"\x1f" + bytes(8) + L.enc_str(SEC) + L.enc_str(rm), R)
    e2e_strict(port, "E2E_SAY whose room_message is 16,385 bytes -> close",
               b"\x1f" + struct.pack(">Q", 5) + L.enc_str(SEC) + L.enc_str(rm + bytes(16385 - len(rm))), R)
    e2e_strict(port, "E2E_SAY whose room_message is 87 bytes (under epoch, counter, tag, signature) -> close",
               b"\x1f" + struct.pack(">Q", 5) + L.enc_str(SEC) + L.enc_str(rm[:87]), R)
    e2e_strict(port, "E2E_SAY whose room_message has counter 0 (§4.2: at least 1) -> close",
               b"\x1f" + struct.pack(">Q", 5) + L.enc_str(SEC) + L.enc_str(rm[:4] + bytes(4) + rm[8:]), R)
    e2e_strict(port, "E2E_KEYS_GET with a trailing byte -> close", b"\x1d" + L.enc_str("e2eY") + b"\x00", R)
    e2e_strict(port, "server type E2E_MESSAGE (0x30) from a client -> close", b"\x30" + L.enc_str(SEC), R)

    issues = [(c.welcome["name"], i) for c in conns for i in getattr(c, "chains", L.Chains()).issues]
    R.check("e2e: every client's room chain (E2E_MESSAGE events included) extended with no gap or mismatch",
            not issues, repr(issues[:5]))
    for c in conns:
        c.close()


# ---------------------------------------------------------------- batches (§5.13)

def send_burst(c, plaintexts):
    """Seals every plaintext as the next record and writes them all with one sendall, so the
    server has them all at once (§1: nothing separates frames but their lengths)."""
    c.sock.sendall(b"".join(L.frame(c.tx.seal(p)) for p in plaintexts))


def pings(first, n):
    return [L.encode_c2s(L.PING, token=first + i) for i in range(n)]


def says(c, room, texts):
    """One SAY of c into room per text, each with c's next message id."""
    return [L.encode_c2s(L.SAY, id=c.next_id(), room=room, text=t) for t in texts]


def raw_records(c, count, stop):
    """Reads plaintexts one record at a time (KEY_UPDATEs followed below) until stop(list of
    decoded messages) or `count` records; returns (plaintexts, decoded messages). A BATCH is
    decoded (strictly) but counted as one record: the caller looks at the type bytes."""
    pts, msgs = [], []
    for _ in range(count):
        pt = c.recv_raw()
        pts.append(pt)
        m = L.decode_s2c(pt)
        msgs += m["messages"] if m["type"] == "BATCH" else [m]
        if stop(msgs):
            break
    return pts, msgs


def batch_info(c):
    return "%d messages came in %d BATCH records (messages per BATCH: %s; largest %d bytes)" % (
        c.batched, c.batches, sorted(set(c.batch_counts)), max(c.batch_sizes or [0]))


BATCH_INFO = []  # (what, connection): printed once at the end of the block, never a FAIL


def run_batch_checks(R, jar):
    home = run_block(R, jar, "batch", lambda R, port, home: _batch_block(R, port))
    # the record layer: a server updating every 3 records never puts KEY_UPDATE inside a BATCH
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--rate", "0", "--connect-rate", "0"],
                          jvm=["-Dlanchat.test.keyUpdateRecords=3"])
    try:
        def key_updates():
            c = joined(port, "bKu", room=None, batch_ok=True)
            sync(c, 1)
            tokens = []
            for r in range(4):
                send_burst(c, pings(0x1000 * (r + 1), 50))
                tokens += [recv_until(c, "PONG")[0]["token"] for _ in range(50)]
            want = [0x1000 * (r + 1) + i for r in range(4) for i in range(50)]
            seen = getattr(c, "key_updates_seen", 0)
            BATCH_INFO.append(("200 PINGs, server updating its key every 3 records", c))
            c.close()
            return tokens == want and seen >= 3, "tokens in order: %s; KEY_UPDATEs followed: %d; %s" % (
                tokens == want, seen, batch_info(c))
        R.run("batch + key update (server updates every 3 records): 4 bursts of 50 PINGs after BATCH_OK -> 200 "
              "PONGs once each, in order; KEY_UPDATE only between records, never inside a BATCH (§5.13)", key_updates)
    finally:
        srv.stop()
    port = free_port()
    srv, _ = start_server(jar, home, port, ["--connect-rate", "0", "--rate", "1"])
    try:
        def rate():
            c = joined(port, "bRate", batch_ok=True)
            send_burst(c, says(c, "#general", ["r%d" % i for i in range(30)]))
            got = [c.recv() for _ in range(30)]
            msgs = sum(1 for m in got if m["type"] == "MESSAGE")
            errs = sum(1 for m in got if m["type"] == "ERROR" and m["code"] == 6)
            c.close()
            return msgs == 17 and errs == 13, "MESSAGE=%d RATE_LIMITED=%d (JOIN, BATCH_OK, ENTER take 3 of 20)" % (
                msgs, errs)
        R.run("rate 1/s, burst 20: BATCH_OK counts like any message, so 17 of 30 SAYs after JOIN, BATCH_OK and ENTER "
              "fit (§5.13, §7)", rate)
    finally:
        srv.stop()
    for what, c in BATCH_INFO:
        print("INFO  batches: %s: %s" % (what, batch_info(c)))
    sizes = [n for _, c in BATCH_INFO for n in c.batch_sizes]
    R.check("our server's BATCH records hold at most 16,384 bytes of plaintext (§5.13 'Sending'), %d seen in the "
            "block" % len(sizes), all(n <= 16384 for n in sizes), "largest %s" % max(sizes or [0]))
    ones = [w for w, c in BATCH_INFO if 1 in c.batch_counts]
    R.check("our server never sends a BATCH of one message ('a message that would share a record with no neighbour "
            "goes in a record of its own', §5.13)", not ones, repr(ones))


def message_texts(c, n, limit=200):
    """The texts of the next `n` MESSAGEs `c` receives, skipping anything else, reading at most
    `limit` messages."""
    texts = []
    for _ in range(limit):
        m = c.recv()
        if m["type"] == "MESSAGE":
            texts.append(m["text"])
            if len(texts) == n:
                break
    return texts


def _batch_block(R, port):
    def never_asked_pings():
        c = joined(port, "bNever", room=None, batch_ok=False)
        sync(c, 1)
        send_burst(c, pings(0x100, 50))
        pts, msgs = raw_records(c, 60, lambda ms: len(ms) >= 50)
        c.close()
        batched = [pt[:40].hex() for pt in pts if pt[:1] == b"\x37"]
        return not batched and len(pts) == 50 and [m.get("token") for m in msgs] == list(range(0x100, 0x132)), \
            "%d records, BATCHes %r, tokens in order %s" % (len(pts), batched,
                                                           [m.get("token") for m in msgs] == list(range(0x100, 0x132)))
    R.run("no BATCH_OK: 50 PINGs in one TCP write -> 50 PONGs, each in a record of its own, in order, no BATCH "
          "(§5.13)", never_asked_pings)

    def fan_out():
        room = "#bfan"
        r1 = joined(port, "bFanR1", room=room, batch_ok=False)
        r2 = joined(port, "bFanR2", room=room, batch_ok=True)
        snd = joined(port, "bFanS", room=room, batch_ok=False)
        sync(r1, 1); sync(r2, 1); sync(snd, 1)
        texts = ["fan %d" % i for i in range(40)]
        send_burst(snd, says(snd, room, texts))
        out = {}
        for who, c in (("sender", snd), ("r1", r1)):
            pts, msgs = raw_records(c, 200, lambda ms: sum(1 for m in ms if m["type"] == "MESSAGE") >= 40)
            out[who] = ([pt[:1].hex() for pt in pts if pt[:1] == b"\x37"],
                        [m["text"] for m in msgs if m["type"] == "MESSAGE"])
        got2 = message_texts(r2, 40)
        extra = sync(r2, 2)
        BATCH_INFO.append(("a fan-out of 40 MESSAGEs to a member that sent BATCH_OK", r2))
        for c in (r1, r2, snd):
            c.close()
        ok_plain = all(not b and t == texts for b, t in out.values())
        ok_batch = got2 == texts and not [m for m in extra if m.get("type") == "MESSAGE"] and not r2.chains.issues
        return ok_plain and ok_batch, "without BATCH_OK: %r; with: in order %s, chain issues %r; %s" % (
            {k: (v[0], v[1] == texts) for k, v in out.items()}, got2 == texts, r2.chains.issues, batch_info(r2))
    R.run("room fan-out of 40 SAYs written at once: the sender and a member without BATCH_OK get 40 MESSAGE records, "
          "no BATCH; a member with BATCH_OK gets the same 40 in order, each once, chain intact (§5.13)", fan_out)

    def asked_pings():
        c = joined(port, "bYes", room=None, batch_ok=True)
        sync(c, 1)
        tokens, extra = [], []
        for r in range(3):
            send_burst(c, pings(0x200 * (r + 1), 50))
            for _ in range(50):
                m = c.recv()
                if m["type"] == "PONG":
                    tokens.append(m["token"])
                else:
                    extra.append(m)
        extra += sync(c, 2)
        BATCH_INFO.append(("3 bursts of 50 PINGs after BATCH_OK", c))
        c.close()
        want = [0x200 * (r + 1) + i for r in range(3) for i in range(50)]
        return tokens == want and not extra, "tokens in order, once each: %s; other messages %r; %s" % (
            tokens == want, extra, batch_info(c))
    R.run("after BATCH_OK: 3 bursts of 50 PINGs -> every PONG exactly once, in order, batched or not; each BATCH "
          "parses strictly (§5.13)", asked_pings)

    def big_fan_out():
        room = "#bbig"
        rcv = joined(port, "bBigR", room=room, batch_ok=True)
        snd = joined(port, "bBigS", room=room, batch_ok=True)
        sync(rcv, 1); sync(snd, 1)
        texts = [("%02d" % i) * 1500 for i in range(24)]  # 3,000 bytes each: a 16 KiB BATCH holds 5
        send_burst(snd, says(snd, room, texts))
        got = {}
        for who, c in (("receiver", rcv), ("sender", snd)):
            got[who] = message_texts(c, 24)
            got[who] += [m.get("text") for m in sync(c, 3) if m.get("type") == "MESSAGE"]
        BATCH_INFO.append(("24 MESSAGEs of 3,000 bytes to a member with BATCH_OK", rcv))
        BATCH_INFO.append(("the same 24 echoed to their sender", snd))
        for c in (rcv, snd):
            c.close()
        ok = all(v == texts for v in got.values()) and not rcv.chains.issues and not snd.chains.issues
        return ok, "in order once each: %r; %s" % ({k: v == texts for k, v in got.items()}, batch_info(rcv))
    R.run("after BATCH_OK: 24 MESSAGEs of 3,000 bytes to two members, each once, in order, chain intact (§5.13)",
          big_fan_out)

    def early():
        c = connect(port, identity=key_for("bEarly"))
        c.auto_batch_ok = False
        c.send_raw_plain(bytes([L.BATCH_OK]))
        e = c.recv()
        c.send(L.JOIN, name="bEarly")
        w = c.recv()
        c.close()
        return e["type"] == "ERROR" and e["code"] == 8 and w["type"] == "WELCOME", "BATCH_OK -> %r; JOIN -> %s" % (
            e, w["type"])
    R.run("BATCH_OK before WELCOME -> ERROR NOT_JOINED (8); JOIN then gets WELCOME (§5.1, §5.13)", early)

    def early_ignored():
        c = connect(port, identity=key_for("bEarly2"))
        c.auto_batch_ok = False
        c.send_raw_plain(bytes([L.BATCH_OK]))
        e = c.recv()
        c.send(L.JOIN, name="bEarly2")
        w = c.recv()
        send_burst(c, pings(0x400, 50))
        pts, msgs = raw_records(c, 60, lambda ms: len(ms) >= 50)
        c.close()
        batched = [pt[:20].hex() for pt in pts if pt[:1] == b"\x37"]
        return not batched and [m.get("token") for m in msgs] == list(range(0x400, 0x432)), \
            "%d records, BATCHes %r" % (len(pts), batched)
    R.run("a BATCH_OK refused with NOT_JOINED is otherwise ignored (§5.1): after WELCOME 50 PINGs at once -> 50 "
          "PONG records, no BATCH", early_ignored)

    def twice():
        c = joined(port, "bTwice", room=None, batch_ok=True)
        c.send_batch_ok()
        c.send_batch_ok()
        before = sync(c, 0x77)  # nothing answers BATCH_OK: the next message is the PONG
        send_burst(c, pings(0x500, 30))
        tokens = [recv_until(c, "PONG")[0]["token"] for _ in range(30)]
        c.close()
        return not before and tokens == list(range(0x500, 0x51e)), "before the PONG: %r; tokens in order %s" % (
            before, tokens == list(range(0x500, 0x51e)))
    R.run("BATCH_OK three times: no answer, no ERROR; PING -> PONG, then 30 PINGs -> 30 PONGs in order (§5.13)",
          twice)

    def malformed(name, plaintext):
        def f():
            c = joined(port, name, room=None, batch_ok=True)
            sync(c, 1)
            c.send_raw_plain(plaintext)
            c.send(L.PING, token=0x99)
            closed, seen = closed_by_peer(c)
            c.close()
            pong = [m for m in seen if isinstance(m, dict) and m.get("type") == "PONG"]
            return closed and not pong, "closed=%s seen=%r" % (closed, seen)
        return f
    R.run("BATCH_OK with a trailing byte (47 00) -> protocol error, closed (§4.1)", malformed("bTrail", b"\x47\x00"))
    R.run("BATCH (37) from a client -> a type of the other direction, closed (§4.1)",
          malformed("bFromClient", L.encode_batch([L.encode_c2s(L.PING, token=5)])))


if __name__ == "__main__":
    main()
