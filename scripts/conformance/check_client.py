#!/usr/bin/env python3
"""Conformance checks against chat-client; lanchat_ref.py plays the server on 127.0.0.1.

    python3 scripts/conformance/check_client.py --jar chat-client/target/chat-client.jar
"""
import argparse
import base64
import hashlib
import hmac
import secrets
import os
import re
import socket
import struct
import sys
import tempfile
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanchat_ref as L  # noqa: E402
import check_join_code_vectors as J  # noqa: E402  (P-256, Schnorr proofs, round layouts)
import e2e_ref as E  # noqa: E402  (the end-to-end layer, shared with check_e2e_vectors.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import JAVA, LOOPBACK, Proc, Results, free_port  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

T = 10.0
SHOWN = {}  # what --show-identity printed
BOB_PRIV = Ed25519PrivateKey.generate()
BOB = L.ed25519_pub(BOB_PRIV)  # another member's key
BOB_E2E, BOB_X = E.make_e2e_key(BOB_PRIV)  # bob's published end-to-end key and its private half


class Ctx:
    def __init__(self, jar):
        self.jar = jar
        self.home = tempfile.mkdtemp(prefix="lanchat-conf-cli-")
        self.known = os.path.join(self.home, "known")
        self.port = free_port()
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((LOOPBACK, self.port))
        self.lsock.listen(8)
        self.lsock.settimeout(30)
        self.key = Ed25519PrivateKey.generate()
        self.identity = os.path.join(self.home, "me.pem")

    def java(self, jvm=()):
        # -Duser.home keeps every default file (known_peers too) inside the temp home
        return [JAVA, "-Duser.home=" + self.home] + list(jvm) + ["-jar", self.jar]

    def client(self, lines, name="tester", extra=(), jvm=()):
        # one connection per run unless a check asks for reconnects (--reconnect-for, when the
        # client has it): a closed connection then ends the run as the older checks expect
        if "--reconnect-for" not in extra and self.has_reconnect():
            extra = list(extra) + ["--reconnect-for", "0"]
        args = self.java(jvm) + ["--host", LOOPBACK, "--port", str(self.port),
                              "--name", name, "--accept-new", "--known-servers", self.known,
                              "--identity", self.identity] + list(extra)
        data = "".join(l + "\n" for l in lines).encode()
        return Proc(args, self.home, stdin_data=data)

    def has_reconnect(self):
        if not hasattr(self, "_reconnect"):
            p = Proc(self.java() + ["--help"], self.home)
            p.wait(30); p.stop()
            self._reconnect = b"--reconnect-for" in bytes(p.out)
        return self._reconnect

    def accept(self):
        s, _ = self.lsock.accept()
        s.settimeout(T)
        return s


class Room:
    """One room of our fake server: consecutive ids from 1 and real chain heads (page "Room chain")."""

    def __init__(self, name="#general"):
        self.name, self.id, self.head = name, 0, L.genesis(name)
        self.heads = {}

    def event(self, mtype, sender, t=None, **fields):
        """The plaintext of the next room event of type mtype."""
        t = t if t is not None else int(time.time() * 1000)
        payload = L.encode_s2c(mtype, envelope=(self.name, 1, bytes(32), 0, bytes(32)), **fields)[1 + 2 + len(self.name) + 80:]
        self.id += 1
        self.head = L.chain_next(self.head, {"sender": sender, "room": self.name, "id": self.id, "time": t,
                                             "etype": mtype, "payload": payload})
        self.heads[self.id] = self.head
        return bytes([mtype]) + L.enc_envelope(self.name, self.id, self.head, t, sender) + payload

    def members_changed(self, changes, t=None):
        """The plaintext of a MEMBERS_CHANGED of `changes` (as L.enc_change takes them), each change
        the next event id, the heads between computed as a client does (§4.3)."""
        t = t if t is not None else int(time.time() * 1000)
        first = self.id + 1
        for ch in changes:
            if ch[0] == "enter":
                etype, sender, pl = L.JOINED, ch[1][1], L.enc_member(ch[1])
            else:
                etype, sender, pl = L.LEFT, ch[1], L.enc_str(ch[2]) + L.enc_str(ch[3]) + L.enc_str(ch[4])
            self.id += 1
            self.head = L.chain_next(self.head, {"sender": sender, "room": self.name, "id": self.id, "time": t,
                                                 "etype": etype, "payload": pl})
            self.heads[self.id] = self.head
        return L.encode_s2c(L.MEMBERS_CHANGED, room=self.name, first_id=first, head=self.head, time=t,
                            changes=list(changes))


class Srv:
    """Server side of one connection."""

    def __init__(self, sock, key, se_priv=None, se_pub=None, version=2, send_hello=True):
        self.s = sock
        self.key = key
        self.se_priv = se_priv or X25519PrivateKey.generate()
        se = se_pub if se_pub is not None else L.x25519_pub(self.se_priv)
        self.salt = os.urandom(32)
        self.sh = bytearray(L.server_hello(se, self.salt, L.ed25519_pub(key)))
        self.sh[7] = version
        self.sh = bytes(self.sh)
        L.send_frame(sock, self.sh)

    def read_client_hello(self):
        self.ch = L.recv_frame(self.s)
        self.ce = L.parse_client_hello(self.ch)
        shared = L.x25519_shared(self.se_priv, self.ce)
        self.th, kc, ks = L.key_schedule(shared, self.sh, self.ch)
        self.rx, self.tx = L.Channel(kc), L.Channel(ks)
        return self.ch

    def read_client_auth(self):
        """The client's record 0 (§2.5): returns (message, signature verifies over th)."""
        m = L.decode_c2s(self.recv_raw())
        if m["type"] != "CLIENT_AUTH":
            return m, False
        try:
            L.Ed25519PublicKey.from_public_bytes(m["key"]).verify(m["sig"], L.CLIENT_AUTH_LABEL + self.th)
            return m, True
        except Exception:  # noqa
            return m, False

    def welcome(self, name, ci, others=(), motd=""):
        """WELCOME; the members (us first, then `others`) are what the ROSTER of ENTER lists."""
        self.send(L.WELCOME, name=name, server="conf-srv", motd=motd, rate=10000, burst=20, max_rooms=20)
        self.me = (name, ci)
        self.others = list(others)
        self.room = getattr(self, "room", None) or Room()

    def entered(self, m, topic="", history=(), batch=False):
        """Answers ENTER m as §5.9 says: ENTERED, ROSTER, history, then our JOINED; with batch, all
        of them in one BATCH (§5.13)."""
        members = list(self.others) + [self.me]
        self.room.name = m["room"]
        parts = [L.encode_s2c(L.ENTERED, room=m["room"], topic=topic, members=len(members), history=len(history),
                              skipped=0),
                 L.encode_s2c(L.ROSTER, room=m["room"], more=0, entries=[(x, "") for x in members])]
        parts += list(history) + [self.room.event(L.JOINED, self.me[1], member=self.me)]
        self.send_parts(parts, batch)

    def send_parts(self, plaintexts, batch):
        """Each plaintext in a record of its own, or all of them in one BATCH (§5.13)."""
        if batch:
            self.send_raw(L.encode_batch(plaintexts))
        else:
            for x in plaintexts:
                self.send_raw(x)

    def say_back(self, m, frm="tester"):
        self.send_raw(self.room.event(L.MESSAGE, self.me[1], **{"from": frm, "text": m["text"]}))

    def send_raw(self, plaintext):
        L.send_frame(self.s, self.tx.seal(plaintext))

    def send_auth(self, sig=None):
        sig = sig if sig is not None else L.auth_sign(self.key, self.th)
        self.send(L.SERVER_AUTH, sig=sig)

    def send(self, t, **f):
        L.send_frame(self.s, self.tx.seal(L.encode_s2c(t, **f)))

    def recv_raw(self):
        """The next plaintext; the client's KEY_UPDATEs (exactly 0x1a) are followed and counted
        here, below the messages, as the page's "Key update" says. Its E2E_KEYs (0x1c, issue 17)
        are kept aside in self.published as (the type bytes of the messages returned before it,
        e2e_key or the parse error), so that the older checks see the session they expect. Its
        BATCH_OKs (0x47, §5.13) are kept aside the same way in self.batch_oks (types before it, the
        plaintext). self.log holds the type byte of every record, those kept aside included."""
        in_a_row = 0
        while True:
            pt = self.rx.open(L.recv_frame(self.s))
            if pt != bytes([L.KEY_UPDATE_C2S]):
                self.log = getattr(self, "log", b"") + pt[:1]
            if pt[:1] == bytes([L.BATCH_OK]):
                self.__dict__.setdefault("batch_oks", []).append((bytes(getattr(self, "returned", b"")), pt))
                continue
            if pt[:1] == bytes([L.E2E_KEY]):
                try:
                    k = L.decode_c2s(pt)["e2e_key"]
                except L.ProtocolError as e:
                    k = e
                self.__dict__.setdefault("published", []).append((bytes(getattr(self, "returned", b"")), k))
                continue
            if pt != bytes([L.KEY_UPDATE_C2S]):
                self.returned = getattr(self, "returned", b"") + pt[:1]
                return pt
            in_a_row += 1
            if in_a_row > L.KEY_UPDATE_MAX_IN_A_ROW:
                raise L.ProtocolError("more than 16 KEY_UPDATE records in a row")
            self.key_updates_seen = getattr(self, "key_updates_seen", 0) + 1
            self.rx.update()

    def keys_answer(self, m, keys=None):
        """Answers E2E_KEYS_GET m from `keys` {skeleton of a name: (name, e2e_key)} (bob's by
        default): a room gets every key we have of its roster, a name its one key or none."""
        keys = keys if keys is not None else {"bob": ("bob", BOB_E2E)}
        if m["target"].startswith("#"):
            names = [n for n, _ in self.others + [self.me]]
            recs = [keys[L.skeleton(n)] for n in names if L.skeleton(n) in keys]
        else:
            recs = [keys[L.skeleton(m["target"])]] if L.skeleton(m["target"]) in keys else []
        self.send(L.E2E_KEYS, target=m["target"], more=0, keys=recs)

    def sealed_echo(self, m, status=0):
        """The echo of the client's SEALED_DM m (the same bytes)."""
        self.send(L.S_SEALED_DM, time=int(time.time() * 1000), from_key=self.me[1], to=m["to"],
                  sealed_dm=m["sealed_dm"], status=status, note="", **{"from": self.me[0]})

    def update_key(self):
        """Seals KEY_UPDATE (0x2c) under k, then everything after under k'."""
        L.send_frame(self.s, self.tx.seal(bytes([L.KEY_UPDATE_S2C])))
        self.tx.update()

    def frames_until_close(self, limit=20):
        """Raw frames the client sends until it closes (bounded)."""
        got = []
        try:
            for _ in range(limit):
                got.append(L.recv_frame(self.s))
        except (L.Closed, L.ProtocolError, ConnectionResetError):
            return True, got
        except socket.timeout:
            return False, got
        return False, got


def after_welcome_refused(R, C, name, inject, shown_ok=0):
    """A session up to our JOINED in #general, then inject(srv): the client must close, exit
    non-zero and show "SECRET" at most shown_ok times."""
    def f():
        p = C.client([])
        try:
            srv, s = accepted(C)
            m = L.decode_c2s(srv.recv_raw())
            srv.welcome("tester", C.ci)
            srv.entered(L.decode_c2s(srv.recv_raw()))
            inject(srv)
            # the client's PING (end of input) may or may not arrive before it notices
            closed, frames = srv.frames_until_close()
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        out = bytes(p.out).decode("utf-8", "replace")
        ok = rc not in (0, None) and out.count("SECRET") <= shown_ok and closed
        return ok, "rc=%r closed=%s frames=%d stdout=%r stderr=%r" % (
            rc, closed, len(frames), out[-200:], bytes(p.err)[-200:])
    R.run(name, f)


def unsafe_chars(text):
    bad = []
    for ch in text:
        if ch in "\n\u200c\u200d":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            bad.append("U+%04X" % ord(ch))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "chat-client", "target", "chat-client.jar"))
    ap.add_argument("--only", choices=["join-code", "rooms", "e2e", "batch"], help="run one block of checks only")
    a = ap.parse_args()
    R = Results()
    C = Ctx(os.path.abspath(a.jar))
    try:
        if a.only in ("rooms", "e2e", "batch"):
            C.ci = None
            scenarios_ci(R, C)
            {"rooms": rooms_scenarios, "e2e": e2e_scenarios, "batch": batch_scenarios}[a.only](R, C)
            return sys.exit(R.summary())
        if a.only != "join-code":
            scenarios(R, C)
            rooms_scenarios(R, C)
            e2e_scenarios(R, C)
            batch_scenarios(R, C)
        join_code_scenarios(R, C)
    finally:
        C.lsock.close()
    sys.exit(R.summary())


def scenarios_ci(R, C):
    """Learns the client's key (C.ci) from --show-identity, for --only rooms."""
    p = Proc(C.java() + ["--show-identity", "--identity", C.identity], C.home)
    p.wait(30); p.stop()
    from cryptography.hazmat.primitives import serialization
    C.ci = L.ed25519_pub(serialization.load_pem_private_key(open(C.identity, "rb").read(), None))


def scenarios(R, C):
    ces = []

    def show_identity():
        p = Proc(C.java() + ["--show-identity", "--identity", C.identity], C.home)
        rc = p.wait(30)
        p.stop()
        out = bytes(p.out).decode("utf-8", "replace")
        fps = re.findall(r"SHA256:[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])", out)
        SHOWN["fp"] = fps[0] if fps else None
        mode = os.stat(C.identity).st_mode & 0o777 if os.path.exists(C.identity) else None
        key = None
        try:
            from cryptography.hazmat.primitives import serialization
            key = serialization.load_pem_private_key(open(C.identity, "rb").read(), None)
        except Exception as e:  # noqa
            return False, "identity file unreadable as PKCS#8 PEM: %r" % (e,)
        same = fps and L.fingerprint(L.ed25519_pub(key)) == fps[0]
        p2 = Proc(C.java() + ["--show-identity", "--identity", C.identity], C.home)
        p2.wait(30); p2.stop()
        stable = bytes(p2.out).decode("utf-8", "replace").strip() == out.strip()
        return rc == 0 and len(fps) == 1 and mode == 0o600 and same and stable, \
            "rc=%r out=%r mode=%s fp(file)==printed=%s stable=%s" % (rc, out, oct(mode or 0), same, stable)
    R.run("--show-identity: exit 0, one SHA256: fingerprint of the PKCS#8 key it created 0600, same on rerun",
          show_identity)

    # ---------------------------------------------------------- A. normal session
    def normal():
        p = C.client(["hello \u00e9", "/msg BOB hi there", "/who"])
        try:
            s = C.accept()
            srv = Srv(s, C.key)
            ch = srv.read_client_hello()
            ces.append(srv.ce)
            R.check("ClientHello: 40 B, 'LANCHAT' 0x02 Ce", len(ch) == 40 and ch[:8] == b"LANCHAT\x02",
                    ch[:8].hex())
            srv.send_auth()
            # nothing is sent back for CLIENT_AUTH: the client must send JOIN behind it unasked
            ca, ca_ok = srv.read_client_auth()
            R.check("record 0 is CLIENT_AUTH (16 key[32] sig[64]) and verifies over 'lanchat v2 client auth' || th",
                    ca_ok, repr(ca))
            R.check("CLIENT_AUTH key is the key --show-identity prints",
                    ca.get("key") is not None and L.fingerprint(ca["key"]) == SHOWN.get("fp"),
                    "key fp=%s shown=%s" % (ca.get("key") and L.fingerprint(ca["key"]), SHOWN.get("fp")))
            C.ci = ca.get("key")
            plains = []
            while True:
                pt = srv.recv_raw()  # opens under k_c2s at seq 0,1,2,...
                plains.append(pt)
                m = L.decode_c2s(pt)
                t = m["type"]
                if t == "JOIN":
                    srv.welcome(m["name"], C.ci, [("bob", BOB)], motd="welcome")
                elif t == "ENTER":
                    srv.entered(m)
                elif t == "SAY":
                    srv.say_back(m)
                elif t == "DM":
                    srv.send(L.S_DM, time=int(time.time() * 1000), to="bob", text=m["text"], status=0, note="",
                             **{"from": "tester"})
                elif t == "E2E_KEYS_GET":
                    srv.keys_answer(m)
                elif t == "SEALED_DM":
                    srv.sealed_echo(m)
                elif t == "WHO":
                    srv.send(L.ROSTER, room=m["room"], more=0, entries=[(("bob", BOB), ""), (("tester", C.ci), "")])
                elif t == "PING":
                    srv.send(L.PONG, token=m["token"])
                elif t == "BYE":
                    break
                if len(plains) > 20:
                    break
            closed, extra = srv.frames_until_close()
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        # PING may come at any time (§5.4), and so may SIGNED_HEAD (page "Room chain": on a timer
        # and as the client leaves); the layouts are checked on the other messages, in order
        body = [x for x in plains if x[:1] not in (b"\x14", b"\x1b")]
        pings = [x for x in plains if x[:1] == b"\x14"]
        say_id = struct.unpack(">Q", body[2][1:9])[0] if len(body) > 2 and len(body[2]) > 9 else 0
        # issue 17: /msg asks E2E_KEYS_GET of the name, then sends a SEALED_DM (checked below)
        keys_get = [x for x in body if x[:1] == b"\x1d"]
        sealed = [x for x in body if x[:1] == b"\x1e"]
        body = [x for x in body if x[:1] not in (b"\x1d", b"\x1e")]
        if sealed:
            sd = L.decode_c2s(sealed[0])
            try:
                opened = E.open_dm({1: BOB_X}, BOB, C.ci, sd["sealed_dm"])
            except E.E2eError as e:
                opened = {"error": str(e)}
            to = "BOB" if L.skeleton(sd["to"]) == "bob" else sd["to"]  # the typed or the server's spelling
            body.insert(3, b"\x12" + struct.pack(">Q", sd["id"]) + L.enc_str(to) + L.enc_str(
                opened.get("content", b"").decode("utf-8", "replace")) if opened.get("kind") == 1 else sealed[0])
        exp = [b"\x10" + L.enc_str("tester"),
               b"\x40" + L.enc_str("#general") + bytes(8) + b"\x00",
               b"\x11" + struct.pack(">Q", say_id) + L.enc_str("#general") + L.enc_str("hello \u00e9"),
               b"\x12" + struct.pack(">Q", say_id + 1) + L.enc_str("BOB") + L.enc_str("hi there"),
               b"\x13" + L.enc_str("#general"),
               b"\x15\x00\x00"]
        body += [b""] * (6 - len(body))
        R.check("client records open under k_c2s with seq 0,1,2,... (%d records after CLIENT_AUTH)" % len(plains),
                len(plains) >= 7, "")
        R.check("JOIN layout 10 0006 'tester'", body[0] == exp[0], body[0].hex())
        R.check("right after WELCOME: ENTER #general since 0 flags 0 (40 0008 #general 0000000000000000 00, §5.1)",
                body[1] == exp[1], body[1].hex())
        R.check("SAY layout 11 id(u64, not 0) room text", body[2] == exp[2] and say_id != 0, body[2].hex())
        R.check("/msg BOB hi there: E2E_KEYS_GET 'BOB' (1d), then SEALED_DM (1e) with id SAY's id + 1 (§5.10), to "
                "'BOB', sealed to bob's key: it opens, kind 1, text 'hi there', signed by the client's key",
                keys_get == [b"\x1d" + L.enc_str("BOB")] and len(sealed) == 1 and body[3] == exp[3],
                "E2E_KEYS_GET %r; SEALED_DM %r; opened %r" % ([x.hex() for x in keys_get], [x.hex()[:80] for x in sealed],
                                                              sealed and opened))
        pub = getattr(srv, "published", [])
        C.client_e2e = pub[0][1] if pub and isinstance(pub[0][1], bytes) else None
        R.check("E2E_KEY (1c) right after WELCOME, before ENTER: 140 bytes, owner = the CLIENT_AUTH key, signature "
                "verifies, not_after in the future, serial >= 1",
                len(pub) == 1 and pub[0][0] == b"\x16\x10" and C.client_e2e is not None
                and E.e2e_key_problem(C.client_e2e, C.ci) is None and E.parse_e2e_key(C.client_e2e)["serial"] >= 1,
                "published %r (the types before it); problem %r" % (
                    [(i.hex(), k.hex()[:40] if isinstance(k, bytes) else k) for i, k in pub],
                    C.client_e2e and E.e2e_key_problem(C.client_e2e, C.ci)))
        R.check("WHO layout 13 room", body[4] == exp[4], body[4].hex())
        R.check("end of input: PING (14 + u64) then BYE with message \"\" (15 0000); PINGs are 9 bytes",
                len(body) == 6 and body[5] == exp[5] and plains[-2][:1] == b"\x14"
                and all(len(x) == 9 for x in pings), [x.hex() for x in plains])
        R.check("nothing after BYE, client closes", closed and not extra, "closed=%s extra=%d" % (closed, len(extra)))
        R.check("exit 0 after PONG+BYE", rc == 0, "rc=%r stderr=%r" % (rc, bytes(p.err)[-300:]))
        out = bytes(p.out).decode("utf-8", "replace")
        R.check("stdout shows the events", "hello \u00e9" in out and "hi there" in out and "bob" in out,
                repr(out[-400:]))
        R.check("pin written (known-servers file non-empty)", os.path.exists(C.known) and
                os.path.getsize(C.known) > 0, "")
        return True, ""
    R.run("normal session ran", normal)

    # ---------------------------------------------------------- helpers for failure scenarios
    def must_refuse(name, auth_fn=None, expect_rc=None, hello_kw=None, after_hello=None, lines=("hi",)):
        def f():
            p = C.client(list(lines))
            try:
                s = C.accept()
                srv = Srv(s, C.key if (hello_kw or {}).get("key") is None else hello_kw["key"],
                          **{k: v for k, v in (hello_kw or {}).items() if k != "key"})
                if after_hello:
                    closed, frames, note = after_hello(srv)
                else:
                    note = ""
                    try:
                        srv.read_client_hello()
                        ces.append(srv.ce)
                        auth_fn(srv)
                        closed, frames = srv.frames_until_close()
                    except (L.Closed, ConnectionResetError, BrokenPipeError) as e:
                        closed, frames, note = True, [], "client closed early (%s)" % type(e).__name__
                s.close()
                rc = p.wait(15)
            finally:
                p.stop()
            ok = closed and not frames and rc not in (0, None) and (expect_rc is None or rc == expect_rc)
            return ok, "rc=%r closed=%s frames_after_hello=%r %s stdout=%r stderr=%r" % (
                rc, closed, [f.hex()[:40] for f in frames], note, bytes(p.out)[-200:], bytes(p.err)[-300:])
        R.run(name, f)

    def bad_sig(srv):
        sig = bytearray(L.auth_sign(srv.key, srv.th)); sig[5] ^= 0x40
        srv.send_auth(bytes(sig))
    must_refuse("bad SERVER_AUTH signature -> exit non-zero, no record sent", bad_sig)

    def other_key(srv):
        srv.send_auth(L.auth_sign(Ed25519PrivateKey.generate(), srv.th))
    must_refuse("SERVER_AUTH by a key other than Si -> refused", other_key)

    def wrong_th(srv):
        srv.send_auth(L.auth_sign(srv.key, bytes(32)))
    must_refuse("SERVER_AUTH over wrong transcript -> refused", wrong_th)

    def not_auth_first(srv):
        srv.welcome("tester", C.ci)
    must_refuse("first record is not SERVER_AUTH -> refused, no record sent", not_auth_first)

    def auth_bad_tag(srv):
        ct = bytearray(srv.tx.seal(L.encode_s2c(L.SERVER_AUTH, sig=L.auth_sign(srv.key, srv.th))))
        ct[-1] ^= 1
        L.send_frame(srv.s, bytes(ct))
    must_refuse("SERVER_AUTH record with bad GCM tag -> refused", auth_bad_tag)

    def auth_trailing(srv):
        L.send_frame(srv.s, srv.tx.seal(L.encode_s2c(L.SERVER_AUTH, sig=L.auth_sign(srv.key, srv.th)) + b"\x00"))
    must_refuse("SERVER_AUTH with trailing byte -> refused (strict parse)", auth_trailing)

    def low_order_se():
        def ah(srv):
            ch = L.recv_frame(srv.s)
            # what the client could have derived from an all-zero secret
            _, kc, ks = L.key_schedule(bytes(32), srv.sh, ch)
            L.send_frame(srv.s, L.Channel(ks).seal(L.encode_s2c(L.SERVER_AUTH, sig=L.auth_sign(srv.key, _))))
            closed, frames = srv.frames_until_close()
            return closed, frames, ""
        return ah
    must_refuse("low-order Se (u=0) -> client aborts, sends no record", hello_kw={"se_pub": bytes(32)},
                after_hello=low_order_se())

    def other_version(v):
        def f():
            p = C.client(["hi"])
            try:
                s = C.accept()
                srv = Srv(s, C.key, version=v)
                t0 = time.time()
                closed, frames = srv.frames_until_close()
                s.close()
                rc = p.wait(15)
            finally:
                p.stop()
            txt = (bytes(p.out) + bytes(p.err)).decode("utf-8", "replace")
            want = "the server at %s:%d speaks LanChat protocol %d; this client needs 2" % (LOOPBACK, C.port, v)
            ok = rc == 1 and closed and not frames and want in txt and time.time() - t0 < 8
            return ok, "rc=%r frames=%r (a ClientHello must not be sent) output=%r want=%r" % (
                rc, [f.hex()[:20] for f in frames], txt[-300:], want)
        return f
    R.run("ServerHello version 1 -> no ClientHello, exit 1, 'the server at H:P speaks LanChat protocol 1; this client needs 2'",
          other_version(1))
    R.run("ServerHello version 3 -> same clear message with 3, exit 1", other_version(3))

    def v1_layout():
        # a real v1 ServerHello has the v1 size too (104 B); one of another size must still get the version message
        p = C.client(["hi"])
        try:
            s = C.accept()
            L.send_frame(s, b"LANCHAT\x01" + os.urandom(40))
            srv_closed = False
            try:
                while s.recv(4096):
                    pass
                srv_closed = True
            except (socket.timeout, ConnectionResetError) as e:
                srv_closed = isinstance(e, ConnectionResetError)
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        txt = (bytes(p.out) + bytes(p.err)).decode("utf-8", "replace")
        return rc == 1 and srv_closed and "speaks LanChat protocol 1" in txt, "rc=%r output=%r" % (rc, txt[-300:])
    R.run("ServerHello version 1 of another size (48 B) -> version message (version read before size)", v1_layout)

    def bad_len():
        p = C.client(["hi"])
        try:
            s = C.accept()
            s.sendall(struct.pack(">I", 65537) + b"x" * 64)
            closed = False
            try:
                while s.recv(4096):
                    pass
                closed = True
            except (socket.timeout, ConnectionResetError) as e:
                closed = isinstance(e, ConnectionResetError)
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        return closed and rc not in (0, None), "rc=%r closed=%s" % (rc, closed)
    R.run("ServerHello frame length 65537 -> client closes, exit non-zero", bad_len)

    def short_hello():
        p = C.client(["hi"])
        try:
            s = C.accept()
            L.send_frame(s, L.server_hello(bytes(32), bytes(32), bytes(32))[:103])
            closed = False
            try:
                while s.recv(4096):
                    pass
                closed = True
            except (socket.timeout, ConnectionResetError) as e:
                closed = isinstance(e, ConnectionResetError)
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        return closed and rc not in (0, None), "rc=%r closed=%s" % (rc, closed)
    R.run("ServerHello 103 bytes -> client closes, exit non-zero", short_hello)

    # ---------------------------------------------------------- hostile strings
    HOST_FROM = "ev\x1b[31mil\u009b\u202e"
    HOST_TEXT = "\x1b[31mred\x1b[0m \u009b31m \u202eevil\u202c \u200b\u2028\u2029\ufeff\x07\x7f\x00\x85\u2066\U000e0041 ok\u200d"

    def hostile(no_color):
        def f():
            extra = ["--no-color"] if no_color else []
            p = C.client(["hi", "/who"], extra=extra)
            try:
                s = C.accept()
                srv = Srv(s, C.key)
                srv.read_client_hello(); ces.append(srv.ce)
                srv.send_auth()
                n = 0
                while n < 20:
                    n += 1
                    m = L.decode_c2s(srv.recv_raw())
                    t = m["type"]
                    now = int(time.time() * 1000)
                    if t == "CLIENT_AUTH":
                        continue
                    if t == "JOIN":
                        srv.send(L.WELCOME, name="tester" + HOST_FROM, server=HOST_TEXT, motd=HOST_TEXT,
                                 rate=10000, burst=20, max_rooms=20)
                        srv.me, srv.others, srv.room = ("tester", C.ci), [(HOST_FROM, BOB)], Room()
                    elif t == "ENTER":
                        srv.entered(m, topic=HOST_TEXT)
                        r = srv.room
                        srv.send_raw(r.event(L.JOINED, BOB, member=(HOST_FROM, BOB)))
                        srv.send_raw(r.event(L.MESSAGE, BOB, text=HOST_TEXT, **{"from": HOST_FROM}))
                        srv.send_raw(r.event(L.ACTION, BOB, text=HOST_TEXT, **{"from": HOST_FROM}))
                        srv.send_raw(r.event(L.S_TOPIC, BOB, by=HOST_FROM, topic=HOST_TEXT[:60]))
                        srv.send_raw(r.event(L.RENAMED, BOB, old=HOST_FROM, new=HOST_FROM + "2"))
                        srv.send(L.S_DM, time=now, to="tester", text=HOST_TEXT, status=0, note="", **{"from": HOST_FROM})
                        srv.send(L.S_DM, time=now, to=HOST_FROM, text="x", status=2, note=HOST_TEXT[:60],
                                 **{"from": "tester"})
                        srv.send(L.ERROR, code=4, text=HOST_TEXT)
                        srv.send_raw(r.event(L.LEFT, BOB, name=HOST_FROM + "2", reason=HOST_TEXT, message=HOST_TEXT))
                    elif t == "SAY":
                        srv.say_back({"text": m["text"] + HOST_TEXT})
                    elif t == "WHO":
                        srv.send(L.ROSTER, room=m["room"], more=0, entries=[(("tester", C.ci), ""), ((HOST_FROM, BOB), HOST_TEXT[:60])])
                        srv.send(L.ERROR, code=999, text=HOST_TEXT)
                    elif t == "PING":
                        srv.send(L.PONG, token=m["token"])
                    elif t == "BYE":
                        break
                s.close()
                rc = p.wait(15)
            finally:
                p.stop()
            out = bytes(p.out).decode("utf-8", "replace")
            err = bytes(p.err).decode("utf-8", "replace")
            bad_out = sorted(set(unsafe_chars(out)))
            bad_err = sorted(set(unsafe_chars(err)))
            ok = not bad_out and not bad_err and "red" in out
            return ok, "raw in stdout: %s; in stderr: %s; rc=%r; stdout=%r" % (bad_out, bad_err, rc, out[-600:])
        return f
    R.run("hostile strings (ESC, U+009B, U+202E, ...) never reach stdout/stderr raw (--no-color)", hostile(True))
    R.run("hostile strings, default options with piped stdout", hostile(False))

    R.check("Ce fresh per connection", len(set(ces)) == len(ces) and len(ces) >= 3, "%d Ce, %d distinct" % (len(ces), len(set(ces))))

    # ---------------------------------------------------------- client strictness after WELCOME
    def bad_after_welcome(name, inject, shown_ok=0):
        after_welcome_refused(R, C, name, inject, shown_ok)

    def inj_unknown(srv):
        L.send_frame(srv.s, srv.tx.seal(b"\x7f"))
    def inj_c2s_type(srv):
        L.send_frame(srv.s, srv.tx.seal(L.encode_c2s(L.SAY, id=1, room="#general", text="SECRET")))
    def secret(srv, text="SECRET"):
        return srv.room.event(L.MESSAGE, BOB, text=text, **{"from": "x"})
    def inj_trailing(srv):
        srv.send_raw(secret(srv) + b"\x00")
    def inj_badutf8(srv):
        srv.send_raw(secret(srv)[:-6] + b"SECR\xc0\xaf")
    def inj_bad_room(srv):
        srv.send_raw(b"\x21" + L.enc_envelope("general", 1, bytes(32), 1, BOB) + L.enc_str("x") + L.enc_str("SECRET"))
    def inj_id0(srv):
        srv.send_raw(b"\x21" + L.enc_envelope("#general", 0, bytes(32), 1, BOB) + L.enc_str("x") + L.enc_str("SECRET"))
    def inj_id_top(srv):
        srv.send_raw(b"\x21" + L.enc_envelope("#general", 2 ** 63, bytes(32), 1, BOB) + L.enc_str("x") + L.enc_str("SECRET"))
    def inj_more2(srv):
        srv.send_raw(b"\x25" + L.enc_str("#general") + b"\x02\x00\x00")
        srv.send_raw(secret(srv))
    def inj_status4(srv):
        srv.send_raw(L.encode_s2c(L.S_DM, time=1, to="tester", text="SECRET", status=0, note="", **{"from": "x"})[:-3]
                     + b"\x04\x00\x00")
    def inj_mc_tag(srv):
        srv.send_raw(b"\x31" + L.enc_str("#general") + struct.pack(">Q", 9) + bytes(32) + struct.pack(">QH", 1, 1)
                     + b"\x03" + L.enc_member(("SECRET", BOB)))
    def inj_mc_count(srv):
        srv.send_raw(b"\x31" + L.enc_str("#general") + struct.pack(">Q", 9) + bytes(32) + struct.pack(">QH", 1, 0xFFFF)
                     + b"\x01" + L.enc_member(("SECRET", BOB)))
    def inj_mc_zero(srv):
        srv.send_raw(b"\x31" + L.enc_str("#general") + struct.pack(">Q", 9) + bytes(32) + struct.pack(">QH", 1, 0))
        srv.send_raw(secret(srv))
    def inj_replay(srv):
        ct = srv.tx.seal(secret(srv, "SECRET0"))
        L.send_frame(srv.s, ct)
        L.send_frame(srv.s, ct)
    def inj_skip(srv):
        srv.tx.seq += 1
        srv.send_raw(secret(srv))
    def inj_len0(srv):
        srv.s.sendall(struct.pack(">I", 0))
    def inj_len_big(srv):
        srv.s.sendall(struct.pack(">I", 65537))
    def inj_second_auth(srv):
        srv.send_auth()
    bad_after_welcome("client: unknown s2c type 0x7f -> closes, exit non-zero", inj_unknown)
    bad_after_welcome("client: c2s type (SAY) from server -> closes", inj_c2s_type)
    bad_after_welcome("client: MESSAGE with trailing byte -> closes, not shown", inj_trailing)
    bad_after_welcome("client: overlong UTF-8 in MESSAGE -> closes, not shown", inj_badutf8)
    bad_after_welcome("client: replayed server record -> closes, replay not shown", inj_replay, shown_ok=1)
    bad_after_welcome("client: skipped seq -> closes, record not shown", inj_skip)
    bad_after_welcome("client: frame length 0 -> closes", inj_len0)
    bad_after_welcome("client: frame length 65537 -> closes", inj_len_big)
    bad_after_welcome("client: MESSAGE whose room breaks §5.2 -> closes, not shown (§4.3)", inj_bad_room)
    bad_after_welcome("client: event id 0 -> closes, not shown", inj_id0)
    bad_after_welcome("client: event id 2^63 -> closes, not shown", inj_id_top)
    bad_after_welcome("client: ROSTER more = 2 -> closes", inj_more2)
    bad_after_welcome("client: DM status 4 -> closes, not shown", inj_status4)
    bad_after_welcome("client: MEMBERS_CHANGED unknown change tag -> closes, not shown", inj_mc_tag)
    bad_after_welcome("client: MEMBERS_CHANGED count that cannot fit -> closes, not shown", inj_mc_count)
    bad_after_welcome("client: MEMBERS_CHANGED with no change -> closes", inj_mc_zero)

    # ---------------------------------------------------------- key update (page "Key update")
    def inj_stale(srv):
        old = L.Channel(srv.tx.key)
        old.seq = srv.tx.seq + 1  # the next record k would have sealed after KEY_UPDATE
        srv.update_key()
        L.send_frame(srv.s, old.seal(secret(srv)))
    def inj_update_replayed(srv):
        ct = srv.tx.seal(bytes([L.KEY_UPDATE_S2C]))
        L.send_frame(srv.s, ct)
        srv.tx.update()
        L.send_frame(srv.s, ct)
        srv.send_raw(secret(srv))
    def inj_update_dropped(srv):
        srv.tx.seal(bytes([L.KEY_UPDATE_S2C]))  # sealed, never sent
        srv.tx.update()
        srv.send_raw(secret(srv))
    def inj_seventeen(srv):
        for _ in range(L.KEY_UPDATE_MAX_IN_A_ROW + 1):
            srv.update_key()
        srv.send_raw(secret(srv))
    bad_after_welcome("client: record under the old key after KEY_UPDATE -> closes, not shown", inj_stale)
    bad_after_welcome("client: replayed KEY_UPDATE -> closes, nothing after shown", inj_update_replayed)
    bad_after_welcome("client: record under k' whose KEY_UPDATE was dropped -> closes, not shown",
                      inj_update_dropped)
    bad_after_welcome("client: 17 KEY_UPDATEs in a row -> closes, nothing after shown", inj_seventeen)

    def both_directions():
        lines = ["k%d" % i for i in range(20)]
        p = C.client(lines, jvm=["-Dlanchat.test.keyUpdateRecords=3"])
        try:
            srv, s = accepted(C)
            says, sent_updates = [], 0
            for _ in range(80):
                m = L.decode_c2s(srv.recv_raw())
                t = m["type"]
                if t == "JOIN":
                    srv.welcome(m["name"], C.ci)
                elif t == "ENTER":
                    srv.entered(m)
                elif t == "SAY":
                    says.append(m["text"])
                    srv.say_back(m)
                    if len(says) % 2 == 0:
                        srv.update_key()
                        sent_updates += 1
                elif t == "PING":
                    srv.send(L.PONG, token=m["token"])
                elif t == "BYE":
                    break
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        out = bytes(p.out).decode("utf-8", "replace")
        seen = getattr(srv, "key_updates_seen", 0)
        shown = [l for l in lines if re.search(r"<tester> %s$" % l, out, re.M)]
        return (says == lines and seen >= 6 and rc == 0 and shown == lines,
                "SAYs in order: %s, KEY_UPDATEs from the client: %d, ours: %d, rc=%r, shown %d/20, "
                "stderr=%r" % (says == lines, seen, sent_updates, rc, len(shown), bytes(p.err)[-200:]))
    R.run("key update both ways: the client (test property 3) sends KEY_UPDATE 1a every 3 records "
          "and follows ours (2c) every 2 SAYs; 20 lines sent and shown in order, exit 0", both_directions)

    # ---------------------------------------------------------- join errors
    def name_taken():
        p = C.client(["hi"])
        try:
            srv, s = accepted(C)
            m = L.decode_c2s(srv.recv_raw())
            srv.send(L.ERROR, code=1, text="name taken")
            closed, frames = srv.frames_until_close()
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        return rc == 4, "rc=%r after-error frames=%d closed=%s" % (rc, len(frames), closed)
    R.run("ERROR NAME_TAKEN on JOIN -> exit 4", name_taken)

    # ---------------------------------------------------------- pinned key changes
    def changed(srv):
        srv.send_auth()
    C_key = C.key
    must_refuse("pinned key changed -> exit 3, no record sent", changed, expect_rc=3,
                hello_kw={"key": Ed25519PrivateKey.generate()})

    def fp_opt():
        other = Ed25519PrivateKey.generate()
        fp = L.fingerprint(L.ed25519_pub(other))
        p = C.client([], extra=["--fingerprint", fp])
        try:
            srv, s = accepted(C, other)
            m = L.decode_c2s(srv.recv_raw())
            srv.welcome("tester", C.ci)
            srv.entered(L.decode_c2s(srv.recv_raw()))
            m2 = L.decode_c2s(srv.recv_raw())
            for _ in range(5):  # SIGNED_HEAD may come at any time (page "Room chain"), e.g. before the PING
                if m2["type"] != "SIGNED_HEAD":
                    break
                m2 = L.decode_c2s(srv.recv_raw())
            srv.send(L.PONG, token=m2.get("token", 0))
            m3 = L.decode_c2s(srv.recv_raw())
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        return m["type"] == "JOIN" and rc == 0, "rc=%r msgs=%r %r %r" % (rc, m, m2, m3)
    R.run("--fingerprint wins over a different pin -> joins, exit 0", fp_opt)

    # ---------------------------------------------------------- v2 refusals of who the user is
    def refusal(code, text, lines=("hi",)):
        p = C.client(list(lines))
        try:
            srv, s = accepted(C)
            m = L.decode_c2s(srv.recv_raw())
            srv.send(L.ERROR, code=code, text=text)
            closed, frames = srv.frames_until_close()
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        return rc, (bytes(p.out) + bytes(p.err)).decode("utf-8", "replace"), m

    def name_bound():
        rc, txt, m = refusal(12, "the name tester belongs to another key")
        return rc == 4 and "the name tester belongs to another key" in txt and m["type"] == "JOIN", \
            "rc=%r output=%r" % (rc, txt[-300:])
    R.run("ERROR NAME_BOUND on JOIN -> prints the reason, exit 4", name_bound)

    def not_allowed():
        # §5.7 sends NOT_ALLOWED right after CLIENT_AUTH; here after it and the JOIN behind it
        rc, txt, m = refusal(13, "this server admits only allowed keys; yours is %s" % SHOWN.get("fp"))
        fp = SHOWN.get("fp", "?")
        cmd = "chat-server allow %s" % fp
        return rc == 4 and fp in txt and cmd in txt, "rc=%r want %r in output=%r" % (rc, cmd, txt[-400:])
    R.run("ERROR NOT_ALLOWED -> shows own fingerprint and 'chat-server allow FP', exit 4", not_allowed)

    def not_allowed_text_without_fp():
        rc, txt, m = refusal(13, "not on the list")
        fp = SHOWN.get("fp", "?")
        return rc == 4 and "not on the list" in txt and fp in txt, "rc=%r output=%r" % (rc, txt[-400:])
    R.run("NOT_ALLOWED whose text lacks the fingerprint -> client still shows its own, exit 4",
          not_allowed_text_without_fp)

    def auth_failed():
        rc, txt, m = refusal(10, "client authentication failed")
        return rc not in (0, None) and "client authentication failed" in txt, "rc=%r output=%r" % (rc, txt[-300:])
    R.run("ERROR AUTH_FAILED -> shows its text, exit non-zero (page names no status)", auth_failed)

    def unknown_code():
        rc, txt, m = refusal(77, "a future refusal")
        return "a future refusal" in txt, "rc=%r output=%r" % (rc, txt[-300:])
    R.run("ERROR with an unknown code -> shown by its text (§4.4)", unknown_code)

    # ---------------------------------------------------------- BYE message and known peers
    def quit_message():
        p = C.client(["/quit see you"])
        plains = []
        try:
            srv, s = accepted(C)
            for _ in range(10):
                try:
                    m = L.decode_c2s(srv.recv_raw())
                except (L.Closed, L.ProtocolError, ConnectionResetError, socket.timeout):
                    break
                plains.append(m)
                if m["type"] == "JOIN":
                    srv.welcome("tester", C.ci)
                elif m["type"] == "ENTER":
                    srv.entered(m)
                elif m["type"] == "PING":
                    srv.send(L.PONG, token=m["token"])
                elif m["type"] == "BYE":
                    break
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        byes = [m for m in plains if m["type"] == "BYE"]
        return byes == [{"type": "BYE", "message": "see you"}] and rc == 0, "rc=%r msgs=%r" % (rc, plains)
    R.run("/quit see you -> PING, PONG, then BYE with message 'see you', exit 0", quit_message)

    def known_peers():
        k1, k2 = L.ed25519_pub(Ed25519PrivateKey.generate()), L.ed25519_pub(Ed25519PrivateKey.generate())
        outs = []
        for k in (k1, k2):
            p = C.client([])
            try:
                srv, s = accepted(C)
                L.decode_c2s(srv.recv_raw())
                srv.welcome("tester", C.ci, [("carol", k)])
                srv.entered(L.decode_c2s(srv.recv_raw()))
                m = L.decode_c2s(srv.recv_raw())
                if m["type"] == "PING":
                    srv.send(L.PONG, token=m["token"])
                    L.decode_c2s(srv.recv_raw())
                s.close()
                p.wait(15)
            finally:
                p.stop()
            outs.append((bytes(p.out) + bytes(p.err)).decode("utf-8", "replace"))
        f1, f2 = L.fingerprint(k1), L.fingerprint(k2)
        return f1 in outs[1] and f2 in outs[1] and "carol" in outs[1] and f2 not in outs[0], \
            "second run output=%r" % outs[1][-500:]
    R.run("known peers: a name back with another key -> loud warning with both fingerprints (§6.6)", known_peers)


# ---------------------------------------------------------- the rooms wire (§4.3, §5.8-§5.11)

def client_messages(srv, limit):
    """Each message the client sends, decoded, at most `limit` of them; a connection that closes
    or breaks ends them with {"type": "closed", "why": ...}."""
    for _ in range(limit):
        try:
            m = L.decode_c2s(srv.recv_raw())
        except (L.Closed, L.ProtocolError, ConnectionResetError, socket.timeout) as e:
            yield {"type": "closed", "why": repr(e)}
            return
        yield m


def accepted(C, key=None):
    """The fake server's end of the client's next connection, past the handshake and CLIENT_AUTH
    (signed with `key`, the run's own server key unless given), and its socket."""
    s = C.accept()
    srv = Srv(s, C.key if key is None else key)
    srv.read_client_hello(); srv.send_auth(); srv.read_client_auth()
    return srv, s


def serve(srv, C, on_enter, limit=40, on_ping=None):
    """Answers the client until its BYE: WELCOME for JOIN, on_enter(srv, m) for ENTER, echoes for
    SAY/ME/DM, PONG for PING (or on_ping(srv, m)). Returns the decoded messages the client sent
    after CLIENT_AUTH."""
    got = []
    for m in client_messages(srv, limit):
        got.append(m)
        t = m["type"]
        if t == "JOIN":
            srv.welcome(m["name"], C.ci, [("bob", BOB)])
        elif t == "ENTER":
            on_enter(srv, m)
        elif t == "SAY":
            srv.say_back(m)
        elif t == "ME":
            srv.send_raw(srv.room.event(L.ACTION, C.ci, **{"from": "tester", "text": m["text"]}))
        elif t == "DM":
            srv.send(L.S_DM, time=int(time.time() * 1000), to=m["to"], text=m["text"], status=0, note="",
                     **{"from": "tester"})
        elif t == "E2E_KEYS_GET":
            srv.keys_answer(m)
        elif t == "SEALED_DM":
            srv.sealed_echo(m)
        elif t == "PING" and on_ping is not None:
            on_ping(srv, m)
        elif t == "PING":
            srv.send(L.PONG, token=m["token"])
        elif t == "BYE":
            break
    return got


def session(C, lines, on_enter, extra=(), on_ping=None):
    p = C.client(lines, extra=extra)
    try:
        srv, s = accepted(C)
        got = serve(srv, C, on_enter, on_ping=on_ping)
        C.last_srv = srv
        s.close()
        rc = p.wait(15)
    finally:
        p.stop()
    return got, rc, bytes(p.out).decode("utf-8", "replace"), bytes(p.err).decode("utf-8", "replace")


DAVE = L.ed25519_pub(Ed25519PrivateKey.generate())
ERIN = L.ed25519_pub(Ed25519PrivateKey.generate())


def rooms_scenarios(R, C):
    def full(srv, m):
        r = srv.room
        t0 = int(time.time() * 1000) - 60000
        hist = [r.event(L.MESSAGE, BOB, t=t0, **{"from": "bob", "text": "old news"}),
                r.event(L.S_TOPIC, BOB, t=t0, by="bob", topic="the topic")]
        srv.send(L.ENTERED, room=m["room"], topic="the topic", members=3, history=2, skipped=0)
        srv.send(L.ROSTER, room=m["room"], more=1, entries=[(("bob", BOB), "lunch")])
        srv.send(L.ROSTER, room=m["room"], more=0, entries=[(("cora", ERIN[::-1]), ""), (("tester", C.ci), "")])
        for h in hist:
            srv.send_raw(h)
        srv.send_raw(r.event(L.JOINED, C.ci, member=("tester", C.ci)))
        srv.send_raw(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "live one"}))
        # MEMBERS_CHANGED: dave and erin enter, bob leaves with "bye" (ids 5, 6, 7)
        t = int(time.time() * 1000)
        first = r.id + 1
        ch = [("enter", ("dave", DAVE)), ("enter", ("erin", ERIN)), ("leave", BOB, "bob", "", "bye")]
        payloads = [L.enc_member(("dave", DAVE)), L.enc_member(("erin", ERIN)),
                    L.enc_str("bob") + L.enc_str("") + L.enc_str("bye")]
        for (etype, sender), pl in zip(((L.JOINED, DAVE), (L.JOINED, ERIN), (L.LEFT, BOB)), payloads):
            r.id += 1
            r.head = L.chain_next(r.head, {"sender": sender, "room": r.name, "id": r.id, "time": t,
                                           "etype": etype, "payload": pl})
            r.heads[r.id] = r.head  # a signed head may name any id, inside a MEMBERS_CHANGED too
        srv.send(L.MEMBERS_CHANGED, room=m["room"], first_id=first, head=r.head, time=t, changes=ch)
        srv.send_raw(r.event(L.ACTION, DAVE, **{"from": "dave", "text": "waves hello"}))
        srv.send_raw(r.event(L.RENAMED, DAVE, old="dave", new="david"))
        srv.send_raw(r.event(L.S_TOPIC, ERIN, by="erin", topic="new topic"))
        now = int(time.time() * 1000)
        srv.send(L.S_DM, time=now, to="zed", text="stored one", status=1, note="", **{"from": "tester"})
        srv.send(L.S_DM, time=now, to="erin", text="away one", status=2, note="at lunch", **{"from": "tester"})
        srv.send(L.S_DM, time=now - 3600000, to="tester", text="from storage", status=3, note="", **{"from": "erin"})
        srv.send_raw(r.event(L.LEFT, ERIN, name="erin", reason="parted", message="see you"))

    got, rc, out, err = session(C, ["hello rooms", "/me dances"], full)
    types = [m["type"] for m in got]
    says = [m for m in got if m["type"] in ("SAY", "ME")]
    detail = "sent %r rc=%r err=%r" % ([(m["type"], m.get("room"), m.get("id")) for m in got], rc, err[-300:])
    R.check("rooms session: JOIN, ENTER #general since 0, SAY with room #general and a non-zero id, PING, BYE",
            types[:2] == ["JOIN", "ENTER"] and got[1]["room"] == "#general" and got[1]["since"] == 0
            and says[:1] and says[0]["type"] == "SAY" and says[0]["room"] == "#general" and says[0]["id"] != 0
            and types[-2:] == ["PING", "BYE"], detail)
    R.check("rooms session: /me dances -> ME (42) in #general with the next id (SAY's + 1); exit 0",
            len(says) == 2 and says[1]["type"] == "ME" and says[1]["room"] == "#general"
            and says[1]["id"] == says[0]["id"] + 1 and says[1]["text"] == "dances" and rc == 0, detail)
    want = {"history shown": "old news", "live MESSAGE shown": "live one",
            "MEMBERS_CHANGED as one line (§5.8)": "dave joined; erin joined; bob left: bye",
            "ACTION shown": "waves hello", "RENAMED names both": "david", "TOPIC shown": "new topic",
            "DM from storage shown": "from storage", "away note of a status-2 echo shown": "at lunch",
            "LEFT parted with its message": "see you", "own entry shown as 'you entered #general'": "you entered #general"}
    for k, v in want.items():
        R.check("client output: %s (%r)" % (k, v), v in out, out[-1500:] if os.environ.get("VERBOSE") else out[-600:])
    R.check("client output: no chain warning for an honest room (ids consecutive, heads right, MEMBERS_CHANGED "
            "intermediate heads)", not re.search(r"(?i)gap|mismatch|chain|out of order|missing", out + err),
            (out + err)[-800:])
    heads = [m for m in got if m["type"] == "SIGNED_HEAD"]

    def head_ok(m):
        room, eid, head, signer, sig = m["signed_head"]
        try:
            L.Ed25519PublicKey.from_public_bytes(signer).verify(
                sig, b"lanchat v2 room head" + L.enc_str(room) + struct.pack(">Q", eid) + head)
        except Exception:  # noqa
            return False
        return room == "#general" and signer == C.ci and C.last_srv.room.heads.get(eid) == head
    R.check("client sends SIGNED_HEAD (1b) of #general: signed by its key over 'lanchat v2 room head' || room || id || "
            "head, and the head is the true head at that id (page \"Room chain\")",
            heads and all(head_ok(m) for m in heads),
            "%d SIGNED_HEADs: %r" % (len(heads), [(m["signed_head"][0], m["signed_head"][1]) for m in heads]))
    R.check("client output: a status-1 echo says the DM waits (stored/offline/not connected)",
            re.search(r"(?i)stored|offline|not connected|deliver.* when|waiting", out) is not None, out[-800:])

    def lying(srv, m):
        srv.entered(m)
        r = srv.room
        good = r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "honest"})
        srv.send_raw(good)
        bad = bytearray(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "tampered head"}))
        bad[1 + 2 + len(r.name) + 8] ^= 1  # a head the chain does not give
        srv.send_raw(bytes(bad))
        r.id += 3  # ids 4..6 never sent
        srv.send_raw(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "after a gap"}))
    got, rc, out, err = session(C, [], lying)
    lines = (out + err).splitlines()
    warn = [l for l in lines if re.search(r"(?i)warn|!|chain|gap|mismatch|missing", l) and "#general" in l]
    R.check("client: a wrong head and a gap of ids are each shown as a warning naming the room (page \"Room chain\")",
            len(warn) >= 2 and "after a gap" in out, "warnings %r; output %r" % (warn, (out + err)[-800:]))

    def signed(srv, m):
        srv.entered(m)
        r = srv.room
        srv.send_raw(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "first"}))
        srv.send_raw(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "second"}))

        def body(eid, head, sig_ok=True):
            sig = BOB_PRIV.sign(b"lanchat v2 room head" + L.enc_str(r.name) + struct.pack(">Q", eid) + head)
            if not sig_ok:
                sig = bytes([sig[0] ^ 1]) + sig[1:]
            return (r.name, eid, head, BOB, sig)
        srv.send(L.S_SIGNED_HEAD, signed_head=body(r.id, r.head))                         # agrees
        srv.send(L.S_SIGNED_HEAD, signed_head=body(r.id - 1, bytes(32)))                  # disagrees
        srv.send(L.S_SIGNED_HEAD, signed_head=body(r.id, r.head, sig_ok=False))           # bad signature
    got, rc, out, err = session(C, [], signed)
    lines = [l for l in (out + err).splitlines() if "bob" in l and re.search(r"(?i)head|verify|sign|disagree|differ", l)]
    R.check("client: a relayed SIGNED_HEAD that disagrees with its own head, and one whose signature does not verify, "
            "are each warned about naming bob (an agreeing one is not)", len(lines) >= 2 and rc == 0,
            "lines %r; rc=%r; output %r" % (lines, rc, (out + err)[-600:]))

    def skipped(srv, m):
        r = srv.room
        r.id = 40
        h = [r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "after the skip"})]
        srv.send(L.ENTERED, room=m["room"], topic="", members=2, history=1, skipped=1234)
        srv.send(L.ROSTER, room=m["room"], more=0, entries=[(("bob", BOB), ""), (("tester", C.ci), "")])
        srv.send_raw(h[0])
        srv.send_raw(r.event(L.JOINED, C.ci, member=("tester", C.ci)))
    got, rc, out, err = session(C, [], skipped)
    R.check("client: ENTERED skipped 1234 -> a line saying how many were left out (§5.9)",
            "1234" in out or "1,234" in out, out[-600:])

    def reconnect():
        p = C.client([], extra=["--reconnect-for", "20"])
        first, second = {}, {}
        try:
            srv, s = accepted(C)
            m = L.decode_c2s(srv.recv_raw())
            srv.welcome(m["name"], C.ci, [("bob", BOB)])
            e = L.decode_c2s(srv.recv_raw())
            srv.entered(e)
            srv.send_raw(srv.room.event(L.MESSAGE, BOB, **{"from": "bob", "text": "before the cut"}))
            last = srv.room.id
            time.sleep(0.5)
            s.close()
            C.lsock.settimeout(8)
            try:
                s2 = C.accept()
            except socket.timeout:
                return False, "no reconnect within 8 s; rc=%r out=%r" % (p.wait(5), bytes(p.out)[-300:])
            finally:
                C.lsock.settimeout(30)
            srv2 = Srv(s2, C.key)
            srv2.read_client_hello(); srv2.send_auth(); srv2.read_client_auth()
            m2 = L.decode_c2s(srv2.recv_raw())
            srv2.room = srv.room
            srv2.welcome(m2["name"], C.ci, [("bob", BOB)])
            e2 = L.decode_c2s(srv2.recv_raw())
            s2.close()
            return e2["type"] == "ENTER" and e2["room"] == "#general" and e2["since"] == last, \
                "after the reconnect: %r (last id seen %d)" % (e2, last)
        finally:
            p.stop()
    R.run("client reconnects after a lost connection and ENTERs #general with since = the last id it saw (§5.1, §5.9)",
          reconnect)

    def resend_after_reconnect():
        p = C.client(["not sure of this one"], extra=["--reconnect-for", "20"])
        try:
            srv, s = accepted(C)
            first = []
            for _ in range(10):
                m = L.decode_c2s(srv.recv_raw())
                first.append(m)
                if m["type"] == "JOIN":
                    srv.welcome(m["name"], C.ci, [("bob", BOB)])
                elif m["type"] == "ENTER":
                    srv.entered(m)
                elif m["type"] == "SAY":
                    break  # taken, never echoed or confirmed: the client cannot be sure of it
            say = first[-1]
            s.close()
            C.lsock.settimeout(8)
            try:
                s2 = C.accept()
            except socket.timeout:
                return False, "no reconnect within 8 s"
            finally:
                C.lsock.settimeout(30)
            srv2 = Srv(s2, C.key)
            srv2.read_client_hello(); srv2.send_auth(); srv2.read_client_auth()
            srv2.room = srv.room
            second = serve(srv2, C, lambda sv, m: sv.entered(m))
            s2.close()
            rc = p.wait(15)
        finally:
            p.stop()
        again = [m for m in second if m["type"] == "SAY"]
        return say["type"] == "SAY" and again and again[0]["id"] == say["id"] and again[0]["text"] == say["text"] \
            and len(again) == 1 and rc == 0, "first SAY %r; after the reconnect %r; rc=%r" % (
                say, [(m["type"], m.get("id"), m.get("text")) for m in second], rc)
    R.run("a SAY the server never confirmed is sent again after the reconnect with the same id (§5.10), once; exit 0",
          resend_after_reconnect)



# ---------------------------------------------------------- batches (§5.13)

TIME_RE = re.compile(r"\b\d{1,2}:\d\d(:\d\d)?\b")


def batch_scenarios(R, C):
    def order():
        p = C.client([])
        try:
            srv, s = accepted(C)

            def record():
                return srv.rx.open(L.recv_frame(s))  # no key update in this session
            join = record()
            early = []
            s.settimeout(1.0)  # a bounded look for anything sent before WELCOME
            try:
                while len(early) < 5:
                    early.append(record())
            except socket.timeout:
                pass
            s.settimeout(T)
            srv.welcome(L.decode_c2s(join)["name"], C.ci, [("bob", BOB)])
            after = []
            while len(after) < 10:
                pt = record()
                if pt[:1] in (b"\x14", b"\x1b"):  # PING and SIGNED_HEAD may come at any time
                    continue
                after.append(pt)
                if pt[:1] == bytes([L.ENTER]):
                    srv.entered(L.decode_c2s(pt))
                    break
            srv.published = [(b"", after[1][1:])] if len(after) > 1 else []
            got = serve(srv, C, lambda sv, m: sv.entered(m))
            s.close()
            rc = p.wait(15)
        finally:
            p.stop()
        types = [x[:1].hex() for x in after]
        return (join[:1] == b"\x10" and not [x for x in early if x[:1] == b"\x47"] and types == ["47", "1c", "40"]
                and after[0] == b"\x47" and rc == 0), \
            "before WELCOME: %r; after it, in order: %r (want 47 1c 40); rc=%r" % (
                [x.hex()[:20] for x in early], [x.hex()[:20] for x in after], rc)
    R.run("client sends BATCH_OK (exactly 47) right after WELCOME, before E2E_KEY and ENTER, and nothing before "
          "WELCOME (§5.1, §5.13)", order)

    # the same messages in records of their own and in BATCHes must show the same
    def run(batched):
        def on_enter(srv, m):
            asked = bool(getattr(srv, "batch_oks", []))
            srv.entered(m, batch=batched and asked)
            r = srv.room
            now = int(time.time() * 1000)
            live = [r.event(L.JOINED, DAVE, member=("dave", DAVE)),
                    r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "first of a batch"}),
                    r.event(L.MESSAGE, BOB, **{"from": "bob", "text": "second of a batch"}),
                    r.members_changed([("enter", ("erin", ERIN)), ("leave", DAVE, "dave", "", "bye now")]),
                    r.event(L.ACTION, BOB, **{"from": "bob", "text": "juggles in a batch"}),
                    L.encode_s2c(L.S_DM, time=now, to="tester", text="a dm in a batch", status=0, note="",
                                 **{"from": "bob"})]
            srv.send_parts(live, batched and asked)

        def on_ping(srv, m):
            srv.send_parts([srv.room.event(L.MESSAGE, BOB, **{"from": "bob", "text": "third, with the PONG"}),
                            L.encode_s2c(L.PONG, token=m["token"])], batched and bool(getattr(srv, "batch_oks", [])))
        got, rc, out, err = session(C, [], on_enter, on_ping=on_ping)
        lines = [TIME_RE.sub("HH:MM", l) for l in out.splitlines()]
        return got, rc, lines, err, C.last_srv

    def same():
        g1, rc1, l1, e1, s1 = run(False)
        g2, rc2, l2, e2, s2 = run(True)
        want = ["first of a batch", "second of a batch", "erin joined", "juggles in a batch", "a dm in a batch",
                "third, with the PONG"]
        shown = [w for w in want if any(w in l for l in l2)]
        types = [[m["type"] for m in g if m["type"] not in ("PING", "SIGNED_HEAD")] for g in (g1, g2)]
        return (l1 == l2 and shown == want and rc1 == 0 and rc2 == 0 and types[0] == types[1]
                and bool(getattr(s2, "batch_oks", []))), \
            "separate records: rc=%r, %d lines; in BATCHes: rc=%r, %d lines; shown %r; differing lines %r; " \
            "sent %r / %r; stderr %r" % (rc1, len(l1), rc2, len(l2), shown,
                                         [(a, b) for a, b in zip(l1 + [""] * 9, l2 + [""] * 9) if a != b][:6],
                                         types[0], types[1], e2[-200:])
    R.run("a BATCH is handled exactly as its messages in records of their own: the ENTER answer (ENTERED, ROSTER, "
          "JOINED), then JOINED, two MESSAGEs, a MEMBERS_CHANGED, an ACTION and a DM, then a MESSAGE with the PONG "
          "to its PING: the same output line for line, the same messages sent, exit 0 (§5.13)", same)

    def largest():
        texts = []

        def on_enter(srv, m):
            srv.entered(m)
            r = srv.room
            parts = []
            for i in range(16):
                texts.append("big%02d " % i + "x" * 3984)
                parts.append(r.event(L.MESSAGE, BOB, **{"from": "bob", "text": texts[-1]}))
            size = 1 + sum(2 + len(x) for x in parts)
            # the last text grows to fill the record: 65,520 bytes of plaintext exactly
            texts[-1] += "y" * (L.MAX_PLAINTEXT - size)
            r.id -= 1
            r.head = r.heads[r.id]
            parts[-1] = r.event(L.MESSAGE, BOB, **{"from": "bob", "text": texts[-1]})
            b = L.encode_batch(parts)
            srv.big = len(b)
            srv.send_raw(b)
        got, rc, out, err = session(C, [], on_enter)
        at = [out.find("big%02d " % i) for i in range(16)]
        return (getattr(C.last_srv, "big", 0) == L.MAX_PLAINTEXT and all(a >= 0 for a in at) and at == sorted(at)
                and rc == 0 and len(texts[-1].encode()) <= 4096), \
            "BATCH of %r bytes, last text %d bytes; shown at %r; rc=%r; stderr %r" % (
                getattr(C.last_srv, "big", 0), len(texts[-1].encode()), at, rc, err[-200:])
    R.run("a BATCH of 65,520 bytes (16 MESSAGEs of about 4 KB) is taken: all shown, in order, exit 0 (§5.13 "
          "'any size up to the record maximum')", largest)

    def secret(srv, text="SECRET"):
        return srv.room.event(L.MESSAGE, BOB, text=text, **{"from": "x"})

    def inj(build):
        return lambda srv: srv.send_raw(build(srv))
    bad = [
        ("empty (just 37), then a MESSAGE in a record of its own",
         lambda srv: (srv.send_raw(b"\x37"), srv.send_raw(secret(srv)))),
        ("a length of 0 after a MESSAGE",
         inj(lambda srv: L.encode_batch([secret(srv)]) + b"\x00\x00" + L.encode_batch([secret(srv)])[1:])),
        ("a length running one byte past the end",
         inj(lambda srv: L.encode_batch([secret(srv)]) + (lambda x: struct.pack(">H", len(x) + 1) + x)(secret(srv)))),
        ("a single byte after the last message (half a length)",
         inj(lambda srv: L.encode_batch([secret(srv), secret(srv)]) + b"\x00")),
        ("a nested BATCH", inj(lambda srv: L.encode_batch([secret(srv), L.encode_batch([secret(srv)])]))),
        ("a KEY_UPDATE (2c) inside", inj(lambda srv: L.encode_batch([secret(srv), b"\x2c", secret(srv)]))),
        ("a SERVER_AUTH inside",
         inj(lambda srv: L.encode_batch([secret(srv), L.encode_s2c(L.SERVER_AUTH, sig=L.auth_sign(srv.key, srv.th))]))),
        ("a MESSAGE with a trailing byte inside its length",
         inj(lambda srv: L.encode_batch([secret(srv), secret(srv) + b"\x00"]))),
        ("an unknown type (7f) inside", inj(lambda srv: L.encode_batch([secret(srv), b"\x7f"]))),
        ("a client type (SAY) inside",
         inj(lambda srv: L.encode_batch([secret(srv), L.encode_c2s(L.SAY, id=1, room="#general", text="SECRET")]))),
    ]
    for what, f in bad:
        after_welcome_refused(R, C, "client: malformed BATCH, %s -> closes, exit non-zero, none of it shown (§5.13)"
                              % what, f)


# ---------------------------------------------------------- the end-to-end layer (issue 17)

CAROL_PRIV = Ed25519PrivateKey.generate()
CAROL = L.ed25519_pub(CAROL_PRIV)
MALLORY_PRIV = Ed25519PrivateKey.generate()
BOB_COUNTER = [0]  # bob's DM counter to the client: the client keeps its own across runs


def bob_dm(srv, kind, content):
    """A SEALED_DM from bob to the client, sealed to the key the client published."""
    BOB_COUNTER[0] += 1
    key = srv.published[0][1]
    sealed = E.seal_dm(BOB_PRIV, srv.me[1], key, kind, BOB_COUNTER[0], content)
    srv.send(L.S_SEALED_DM, time=int(time.time() * 1000), from_key=BOB, to=srv.me[0], sealed_dm=sealed,
             status=0, note="", **{"from": "bob"})
    return sealed


def serve_e2e(srv, C, on_enter, keys=None, others=(("bob", BOB),), limit=60):
    """Like serve(), for the end-to-end layer: answers E2E_KEYS_GET from `keys` (a function of the
    request, or a dict), echoes SEALED_DM (status 0) and E2E_SAY (as E2E_MESSAGE of the room)."""
    got = []
    srv.rooms = {}
    for m in client_messages(srv, limit):
        got.append(m)
        t = m["type"]
        if t == "JOIN":
            srv.welcome(m["name"], C.ci, list(others))
        elif t == "ENTER":
            on_enter(srv, m)
        elif t == "E2E_KEYS_GET":
            srv.keys_answer(m, keys(m) if callable(keys) else keys)
        elif t == "SEALED_DM":
            srv.sealed_echo(m)
        elif t == "E2E_SAY":
            r = srv.rooms.get(L.room_skeleton(m["room"]))
            if r is not None:
                srv.send_raw(r.event(L.E2E_MESSAGE, C.ci, **{"from": srv.me[0], "room_message": m["room_message"]}))
        elif t == "SAY":
            srv.say_back(m)
        elif t == "ROOMS":
            srv.send(L.ROOM_LIST, rooms=[("#general", 3, "", 0), ("#ops", 3, "", 1)])
        elif t == "PING":
            srv.send(L.PONG, token=m["token"])
        elif t == "BYE":
            break
    return got


def e2e_session(C, lines, on_enter, **kw):
    p = C.client(lines)
    try:
        srv, s = accepted(C)
        got = serve_e2e(srv, C, on_enter, **kw)
        s.close()
        rc = p.wait(15)
    finally:
        p.stop()
    return srv, got, rc, bytes(p.out).decode("utf-8", "replace"), bytes(p.err).decode("utf-8", "replace")


def opened_by_bob(m):
    try:
        return E.open_dm({1: BOB_X}, BOB, CI[0], m["sealed_dm"])
    except E.E2eError as e:
        return {"error": str(e)}


CI = [None]


def e2e_scenarios(R, C):
    CI[0] = C.ci
    ALL = {"bob": ("bob", BOB_E2E)}

    # -- DMs both ways
    state = {}

    def on_general(srv, m):
        srv.entered(m)
        if getattr(srv, "published", None):
            state["in"] = bob_dm(srv, E.KIND_TEXT, "sealed hi from bob".encode())
            srv.send(L.S_SEALED_DM, time=int(time.time() * 1000), from_key=BOB, to=srv.me[0],
                     sealed_dm=state["in"], status=0, note="", **{"from": "bob"})  # the same DM again: a replay
    srv, got, rc, out, err = e2e_session(C, ["/msg bob sealed hello", "/msg bob second one"], on_general, keys=ALL)
    pub = getattr(srv, "published", [])
    R.check("e2e: E2E_KEY right after WELCOME (before ENTER), owner = the client's key, signature valid, not expired",
            pub and pub[0][0] == b"\x16\x10" and isinstance(pub[0][1], bytes)
            and E.e2e_key_problem(pub[0][1], C.ci) is None,
            "(types before it, key) %r" % [(i.hex(), k.hex()[:40] if isinstance(k, bytes) else k) for i, k in pub])
    gets = [m for m in got if m["type"] == "E2E_KEYS_GET"]
    sealed = [m for m in got if m["type"] == "SEALED_DM"]
    dms = [m for m in got if m["type"] == "DM"]
    opened = [opened_by_bob(m) for m in sealed]
    R.check("e2e: /msg bob -> E2E_KEYS_GET 'bob' before the first SEALED_DM; no plain DM",
            bool(gets and sealed) and gets[0]["target"] == "bob" and got.index(gets[0]) < got.index(sealed[0])
            and not dms, "sent %r" % [(m["type"], m.get("target") or m.get("to")) for m in got])
    R.check("e2e: two SEALED_DMs to bob that bob's key opens: kind 1, texts as typed, signed by the client's key "
            "(sig over 'lanchat v2 e2e dm sig' || recipient || serial || kind || counter || content), counters "
            "n and n + 1, ids consecutive and not 0",
            len(sealed) == 2 and [o.get("kind") for o in opened] == [1, 1]
            and [o.get("content") for o in opened] == [b"sealed hello", b"second one"]
            and opened[1]["counter"] == opened[0]["counter"] + 1 and opened[0]["counter"] >= 1
            and sealed[0]["id"] != 0 and sealed[1]["id"] == sealed[0]["id"] + 1 and not dms,
            "opened %r; ids %r; plain DMs %d" % (opened, [m["id"] for m in sealed], len(dms)))
    shown = out.count("sealed hi from bob")
    warn = [l for l in (out + err).splitlines() if "bob" in l and re.search(r"(?i)replay|again|reorder|refus|warn|!", l)
            and "sealed hi from bob" not in l]
    R.check("e2e: a SEALED_DM from bob sealed to the client's published key is shown (once)", shown == 1,
            "shown %d times; output %r" % (shown, out[-600:]))
    R.check("e2e: the same SEALED_DM again (counter not above the last) is refused with a warning naming bob",
            shown == 1 and warn, "warnings %r" % warn)

    # -- an end-to-end room
    bob_chain = E.Chain("#ops")
    reader = E.Reader("#ops")

    def on_ops(srv, m):
        if not m["room"].startswith("#ops"):
            return srv.entered(m)
        state["enter"] = m
        r = Room(m["room"])
        srv.rooms[L.room_skeleton(m["room"])] = r
        members = srv.others + [srv.me]
        srv.send(L.ENTERED, room=m["room"], topic="", members=len(members), history=0, skipped=0, flags=1)
        srv.send(L.ROSTER, room=m["room"], more=0, entries=[(x, "") for x in members])
        srv.send_raw(r.event(L.JOINED, srv.me[1], member=srv.me))
        bob_dm(srv, E.KIND_SENDER_KEY, bob_chain.sender_key())
        srv.send_raw(r.event(L.E2E_MESSAGE, BOB, **{"from": "bob",
                                                       "room_message": bob_chain.seal(BOB_PRIV, "bob says hi sealed")}))
    bad_carol = E.make_e2e_key(MALLORY_PRIV)[0]  # the server hands out mallory's key as carol's
    srv, got, rc, out, err = e2e_session(C, ["/join #ops --e2e", "secret line", "/rooms"], on_ops,
                                         keys={"bob": ("bob", BOB_E2E), "carol": ("carol", bad_carol)},
                                         others=(("bob", BOB), ("carol", CAROL)))
    en = state.get("enter", {})
    R.check("e2e: /join #ops --e2e -> ENTER #ops since 0 flags 1", en.get("room") == "#ops" and en.get("flags") == 1
            and en.get("since") == 0, repr(en))
    sks = [m for m in got if m["type"] == "SEALED_DM"]
    to_bob = [(m, opened_by_bob(m)) for m in sks if L.skeleton(m["to"]) == "bob"]
    to_carol = [m for m in sks if L.skeleton(m["to"]) == "carol"]
    sk_ok = False
    for m, o in to_bob:
        if o.get("kind") == 2:
            try:
                reader.accept_sender_key(C.ci, o["content"])
                sk_ok = True
            except E.E2eError as e:
                o["refused"] = str(e)
    R.check("e2e: the client hands its sender key of #ops to bob: a SEALED_DM kind 2 that opens, content "
            "room '#ops' || epoch || counter || chain key", sk_ok, repr([o for _, o in to_bob]))
    says = [m for m in got if m["type"] == "E2E_SAY"]
    texts = []
    for m in says:
        try:
            texts.append(reader.open(C.ci, m["room_message"])[0])
        except E.E2eError as e:
            texts.append("refused: %s" % e)
    plain = [m for m in got if m["type"] in ("SAY", "ME") and "secret" in m.get("text", "")]
    R.check("e2e: a line typed in #ops goes as E2E_SAY (1f) in #ops, id not 0, that bob's reader opens "
            "('secret line'); no plain SAY of it", says and says[0]["room"] == "#ops" and says[0]["id"] != 0
            and texts[:1] == ["secret line"] and not plain, "E2E_SAYs %r opened %r; plain %r" % (
                [(m["room"], m["id"]) for m in says], texts, plain))
    R.check("e2e: bob's E2E_MESSAGE (after his sender key as SEALED_DM kind 2) is shown", "bob says hi sealed" in out,
            out[-800:])
    cw = [l for l in (out + err).splitlines() if "carol" in l.lower()
          and re.search(r"(?i)key|warn|refus|!|substitut|not valid|invalid", l)]
    R.check("e2e: carol's key substituted (owner is another identity) -> a warning naming carol, and no SEALED_DM "
            "(no sender key) goes to carol", cw and not to_carol, "warnings %r; to carol %d" % (cw, len(to_carol)))
    ops_lines = [l for l in out.splitlines() if "#ops" in l and "#general" not in l]
    gen_lines = [l for l in out.splitlines() if "#general" in l and "#ops" not in l]
    lock = re.compile("\U0001F512|(?i:lock|e2e|end-to-end|encrypted)")
    ops_list = [l for l in ops_lines if re.search(r"\b3\b", l)]
    R.check("e2e: /rooms (ROOM_LIST flags 1 for #ops) shows a lock on #ops, not on #general",
            any(lock.search(l) for l in ops_list) and not any(lock.search(l) for l in gen_lines if re.search(r"\b3\b", l)),
            "#ops lines %r; #general lines %r" % (ops_list, gen_lines[-3:]))

    # -- a substituted key for a DM
    answers = [E.make_e2e_key(MALLORY_PRIV)[0],                                     # another owner
               E.make_e2e_key(CAROL_PRIV, sign_with=MALLORY_PRIV)[0],               # carol's owner, not her signature
               E.make_e2e_key(CAROL_PRIV, not_after=int(time.time() * 1000) - 1)[0]]  # expired
    asked = []

    def subst(m):
        asked.append(m["target"])
        return {"carol": ("carol", answers[min(len(asked), 3) - 1])}
    srv, got, rc, out, err = e2e_session(C, ["/msg carol one", "/msg carol two", "/msg carol three"],
                                         lambda sv, m: sv.entered(m), keys=subst,
                                         others=(("bob", BOB), ("carol", CAROL)))
    sent = [m for m in got if m["type"] in ("SEALED_DM", "DM")]
    cw = [l for l in (out + err).splitlines() if "carol" in l.lower()
          and re.search(r"(?i)key|warn|refus|!|substitut|not valid|invalid|expire", l)]
    R.check("e2e: /msg carol with a substituted key (another owner; carol's owner signed by another key; expired) -> "
            "nothing sent to carol (no SEALED_DM, no DM) and a warning naming carol",
            asked and not sent and len(cw) >= 1, "asked %r; sent %r; warnings %r" % (asked, sent, cw))


# ------------------------------------------------- join codes ("Join codes (EC-J-PAKE)")

def _scalar():
    return secrets.randbelow(J.N - 1) + 1


def serve_join_code(srv, code, ci, bad_confirm=False):
    """The server side of the exchange on `code` (canonical) after CLIENT_AUTH.

    Returns (client_confirm_matched, invite_number, detail); on a match it sends its own
    confirmation (a wrong one when `bad_confirm`), otherwise ERROR JOIN_CODE_FAILED(14)."""
    r1 = srv.recv_raw()
    if r1[0] != 0x17:
        return False, None, "first record after CLIENT_AUTH is type %02x, not JOIN_CODE_1" % r1[0]
    c1 = r1[1:]
    b = J.Body(c1)
    invite = b.take(1)[0]
    gx1, gx2 = b.point(), b.point()
    ok = J.verify(J.G, gx1, b.point(), b.scalar(), "lanchat-client")
    ok = J.verify(J.G, gx2, b.point(), b.scalar(), "lanchat-client") and ok
    b.end()
    s = int.from_bytes(code.encode("ascii"), "big") % J.N
    x3, x4 = _scalar(), _scalar()
    gx3, gx4 = J.mul(J.G, x3), J.mul(J.G, x4)
    s1 = (J.point_field(gx3) + J.point_field(gx4)
          + J.proof(J.G, x3, _scalar(), "lanchat-server") + J.proof(J.G, x4, _scalar(), "lanchat-server"))
    g_b, x4s = J.add(J.add(gx1, gx2), gx3), x4 * s % J.N
    s2 = J.point_field(J.mul(g_b, x4s)) + J.proof(g_b, x4s, _scalar(), "lanchat-server")
    L.send_frame(srv.s, srv.tx.seal(b"\x29" + s1))
    L.send_frame(srv.s, srv.tx.seal(b"\x2a" + s2))
    r2, r3 = srv.recv_raw(), srv.recv_raw()
    if r2[0] != 0x18 or r3[0] != 0x19 or len(r3) != 33:
        return False, invite, "client round 2 / confirm: types %02x %02x" % (r2[0], r3[0])
    c2 = r2[1:]
    b = J.Body(c2)
    big_a = b.point()
    g_a = J.add(J.add(gx1, gx3), gx4)
    ok = J.verify(g_a, big_a, b.point(), b.scalar(), "lanchat-client") and ok
    b.end()
    if not ok:
        return False, invite, "a client proof does not verify"
    k_pt = J.mul(J.add(big_a, J.neg(J.mul(gx2, x4s))), x4)
    km = k_pt[0].to_bytes(32, "big")
    si = L.ed25519_pub(srv.key)
    pt = hashlib.sha256(c1 + s1 + c2 + s2).digest()
    prk = hmac.new(srv.th, km, hashlib.sha256).digest()
    k = hmac.new(prk, b"lanchat v2 join code" + si + ci + pt + b"\x01", hashlib.sha256).digest()
    bound = srv.th + si + ci
    want = hmac.new(k, b"lanchat v2 client confirm" + bound, hashlib.sha256).digest()
    if not hmac.compare_digest(r3[1:], want):
        srv.send(L.ERROR, code=14, text="the join code did not match")
        return False, invite, "client confirmation does not match"
    mine = hmac.new(k, b"lanchat v2 server confirm" + bound, hashlib.sha256).digest()
    if bad_confirm:
        mine = bytes(32)
    L.send_frame(srv.s, srv.tx.seal(b"\x2b" + mine))
    return True, invite, "matched"


def join_code_scenarios(R, C):
    """chat-client --join-code against our server: a match pins Si without asking; a refusal
    or a bad server confirmation pins nothing."""
    code = "7-crater-lantern"

    def run(typed, server_code, bad_confirm=False):
        known = os.path.join(C.home, "known-jc-%s" % secrets.token_hex(4))
        args = C.java() + ["--host", LOOPBACK, "--port", str(C.port), "--name", "newbie",
                           "--known-servers", known, "--identity", C.identity, "--join-code", typed]
        p = Proc(args, C.home, stdin_data=b"hi\n")
        info = {}
        try:
            s = C.accept()
            srv = Srv(s, C.key)
            srv.read_client_hello(); srv.send_auth()
            ca, ca_ok = srv.read_client_auth()
            matched, invite, detail = serve_join_code(srv, server_code, ca.get("key", b""), bad_confirm)
            info.update(matched=matched, invite=invite, detail=detail)
            after = []
            if matched and not bad_confirm:
                for _ in range(20):
                    m = L.decode_c2s(srv.recv_raw())
                    after.append(m["type"])
                    if m["type"] == "JOIN":
                        srv.welcome(m["name"], ca["key"])
                    elif m["type"] == "ENTER":
                        srv.entered(m)
                    elif m["type"] == "PING":
                        srv.send(L.PONG, token=m["token"])
                    elif m["type"] == "BYE":
                        break
            info["after"] = after
            info["closed"], frames = srv.frames_until_close()
            try:
                info["frames"] = [L.decode_c2s(srv.rx.open(f))["type"] for f in frames]
            except Exception as e:  # noqa
                info["frames"] = ["unreadable: %r" % (e,)]
            s.close()
            info["rc"] = p.wait(15)
        except Exception as e:  # noqa
            info["error"] = repr(e)
        finally:
            p.stop()
        text = open(known, encoding="utf-8").read() if os.path.exists(known) else ""
        si64 = base64.b64encode(L.ed25519_pub(C.key)).decode()
        info["pinned"] = ("%s:%d ed25519 %s" % (LOOPBACK, C.port, si64)) in text
        info["any_pin"] = any(l.strip() and not l.startswith("#") for l in text.splitlines())
        info["out"] = (bytes(p.out) + bytes(p.err)).decode("utf-8", "replace")[-300:]
        return info

    i = run("7 Crater lantern", code)
    R.check("join code: the client runs the exchange right after CLIENT_AUTH, invite number 7, proofs verify,"
            " its confirmation matches (typed '7 Crater lantern')",
            i.get("matched") and i.get("invite") == 7, repr(i))
    R.check("join code: after our confirmation the client JOINs and ends normally (exit 0)",
            i.get("after", [])[:1] == ["JOIN"] and "BYE" in i.get("after", []) and i.get("rc") == 0, repr(i))
    R.check("join code: the server key is pinned without --accept-new or a question",
            i.get("pinned"), repr(i))
    i = run(code, "7-lantern-crater")
    R.check("join code: a wrong code -> our ERROR 14; the client exits non-zero and pins nothing",
            not i.get("matched") and i.get("rc") not in (0, None) and not i.get("any_pin"), repr(i))
    i = run(code, code, bad_confirm=True)
    R.check("join code: a server confirmation that does not verify -> the client stops, sends no JOIN,"
            " exits non-zero and pins nothing",
            i.get("matched") and i.get("rc") not in (0, None) and not i.get("any_pin")
            and "JOIN" not in i.get("frames", []), repr(i))


if __name__ == "__main__":
    main()
