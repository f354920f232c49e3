"""Independent reference implementation of the LanChat wire protocol v2.

Written from docs/protocol.md only (no project code read); v1 was written
from the v1 page the same way.
Loopback use only; every blocking call is bounded by a socket timeout.
"""
import base64
import hashlib
import os
import socket
import struct

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives import hmac as _hmac

MAGIC = b"LANCHAT"
VERSION = 2
DISC_VERSION = 1  # §8: discovery keeps version 1 and its v1 label
MAX_FRAME = 65536
TAG = 16
MAX_PLAINTEXT = MAX_FRAME - TAG  # 65520
SERVER_HELLO_LEN = 104
CLIENT_HELLO_LEN = 40

# message types
JOIN, SAY, C_DM, WHO, PING, C_BYE, CLIENT_AUTH = 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16
SERVER_AUTH, WELCOME, MESSAGE, JOINED, LEFT, S_DM, ROSTER, PONG, ERROR, S_BYE = (
    0x01, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28)
MEMBERS_CHANGED = 0x31  # §4.3, §5.8

ERR = {1: "NAME_TAKEN", 2: "NAME_INVALID", 3: "NO_SUCH_USER", 4: "TEXT_INVALID",
       5: "TEXT_TOO_LONG", 6: "RATE_LIMITED", 7: "SERVER_FULL", 8: "NOT_JOINED",
       9: "ALREADY_JOINED", 10: "AUTH_FAILED", 11: "AUTH_REQUIRED", 12: "NAME_BOUND",
       13: "NOT_ALLOWED"}
ERR_CODE = {v: k for k, v in ERR.items()}


class ProtocolError(Exception):
    pass


class Closed(Exception):
    """Peer closed the stream cleanly at a frame boundary."""


# ---------------------------------------------------------------- frames (§1)

def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))  # bounded by sock timeout
        if not chunk:
            if not buf:
                raise Closed()
            raise ProtocolError("stream ended inside a frame")
        buf += chunk
    return bytes(buf)


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def send_frame(sock, payload):
    if not 1 <= len(payload) <= MAX_FRAME:
        raise ValueError("frame length out of range")
    sock.sendall(frame(payload))


def recv_frame(sock):
    hdr = recv_exact(sock, 4)
    (n,) = struct.unpack(">I", hdr)
    if n < 1 or n > MAX_FRAME:  # checked before reading the payload
        raise ProtocolError("bad frame length %d" % n)
    try:
        return recv_exact(sock, n)
    except Closed:
        raise ProtocolError("stream ended inside a frame")


# ------------------------------------------------------------ handshake (§2)

def server_hello(se_pub, salt, si_pub):
    assert len(se_pub) == 32 and len(salt) == 32 and len(si_pub) == 32
    return MAGIC + bytes([VERSION]) + se_pub + salt + si_pub


class VersionMismatch(ProtocolError):
    """§2.6: the peer's hello has our magic and another version."""

    def __init__(self, who, version):
        super().__init__("%s speaks LanChat protocol %d" % (who, version))
        self.version = version


def _check_hello(p, who, size):
    # §2.2: magic, then version, then size
    if len(p) < 7 or p[:7] != MAGIC:
        raise ProtocolError("%s magic" % who)
    if len(p) < 8:
        raise ProtocolError("%s size %d" % (who, len(p)))
    if p[7] != VERSION:
        raise VersionMismatch(who, p[7])
    if len(p) != size:
        raise ProtocolError("%s size %d" % (who, len(p)))


def parse_server_hello(p):
    _check_hello(p, "ServerHello", SERVER_HELLO_LEN)
    return p[8:40], p[40:72], p[72:104]


def client_hello(ce_pub):
    assert len(ce_pub) == 32
    return MAGIC + bytes([VERSION]) + ce_pub


def parse_client_hello(p):
    _check_hello(p, "ClientHello", CLIENT_HELLO_LEN)
    return p[8:40]


def x25519_pub(priv):
    return priv.public_key().public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw)


def ed25519_pub(priv):
    return priv.public_key().public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw)


def x25519_shared(priv, peer_pub):
    # pyca raises ValueError itself on an all-zero result; map both to a
    # ProtocolError so the caller aborts as §2.3 says.
    try:
        shared = priv.exchange(X25519PublicKey.from_public_bytes(peer_pub))
    except ValueError:
        raise ProtocolError("low-order peer key")
    if shared == bytes(32):
        raise ProtocolError("low-order peer key")
    return shared


def hkdf_extract(salt, ikm):
    h = _hmac.HMAC(salt, hashes.SHA256())
    h.update(ikm)
    return h.finalize()


def hkdf_expand(prk, info, n):
    return HKDFExpand(hashes.SHA256(), n, info).derive(prk)


def key_schedule(shared, sh_payload, ch_payload):
    salt = sh_payload[40:72]
    th = hashlib.sha256(sh_payload + ch_payload).digest()
    prk = hkdf_extract(salt, shared)
    k_c2s = hkdf_expand(prk, b"lanchat v2 c2s" + th, 32)
    k_s2c = hkdf_expand(prk, b"lanchat v2 s2c" + th, 32)
    return th, k_c2s, k_s2c


AUTH_LABEL = b"lanchat v2 server auth"
CLIENT_AUTH_LABEL = b"lanchat v2 client auth"


def auth_sign(identity_priv, th):
    return identity_priv.sign(AUTH_LABEL + th)


def auth_verify(si_pub, th, sig):
    try:
        Ed25519PublicKey.from_public_bytes(si_pub).verify(sig, AUTH_LABEL + th)
        return True
    except InvalidSignature:
        return False


def client_auth_sign(client_priv, th):
    """§2.5: sig = Ed25519-Sign(client identity, "lanchat v2 client auth" || th)."""
    return client_priv.sign(CLIENT_AUTH_LABEL + th)


# RFC 8032 §5.1.3 decoding and the small-order test of §2.5 step 2, by hand so
# the check does not depend on what the crypto library accepts.
_P = 2 ** 255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _decode_point(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None  # non-canonical y
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _I % _P
    if (x * x - x2) % _P != 0:
        return None  # not on the curve
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y)


def _add(p, q):
    (x1, y1), (x2, y2) = p, q
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, _P - 2, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P
    return (x3, y3)


def ed25519_key_problem(b):
    """None for a key §2.5 step 2 accepts, else why it is malformed."""
    pt = _decode_point(b)
    if pt is None:
        return "does not decode (RFC 8032 5.1.3)"
    q = pt
    for _ in range(3):
        q = _add(q, q)
    if q == (0, 1):
        return "small order"
    return None


def fingerprint(si_pub):
    return "SHA256:" + base64.b64encode(hashlib.sha256(si_pub).digest()).decode().rstrip("=")


# -------------------------------------------------------------- records (§3)

def nonce(seq):
    return b"\x00\x00\x00\x00" + struct.pack(">Q", seq)


KEY_UPDATE_C2S = 0x1A          # page "Key update": one type byte, no fields
KEY_UPDATE_S2C = 0x2C
KEY_UPDATE_LABEL = b"lanchat v2 key update"
KEY_UPDATE_MAX_IN_A_ROW = 16


def next_key(k):
    """k' = HKDF-Expand(k, "lanchat v2 key update", 32) (the current key is the PRK)."""
    return hkdf_expand(k, KEY_UPDATE_LABEL, 32)


class Channel:
    """One direction's AEAD state."""

    def __init__(self, key):
        self.key = key
        self.aead = AESGCM(key)
        self.seq = 0

    def update(self):
        """Moves this direction to k' at seq 0 (page "Key update")."""
        self.__init__(next_key(self.key))

    def seal(self, plaintext):
        if len(plaintext) > MAX_PLAINTEXT:
            raise ValueError("plaintext too long")
        ct = self.aead.encrypt(nonce(self.seq), plaintext, None)
        self.seq += 1
        return ct

    def open(self, payload):
        try:
            pt = self.aead.decrypt(nonce(self.seq), payload, None)
        except InvalidTag:
            raise ProtocolError("record does not open at seq %d" % self.seq)
        self.seq += 1
        return pt


# ------------------------------------------------------------- messages (§4)

def enc_str(s):
    b = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    if len(b) > 0xFFFF:
        raise ValueError("str too long")
    return struct.pack(">H", len(b)) + b


def enc_list(items):
    return struct.pack(">H", len(items)) + b"".join(enc_str(i) for i in items)


def enc_member(m):
    """member = name: str || key[32]; m is (name, key)."""
    name, key = m
    assert len(key) == 32
    return enc_str(name) + key


def enc_members(ms):
    return struct.pack(">H", len(ms)) + b"".join(enc_member(m) for m in ms)


class Reader:
    def __init__(self, b):
        self.b = b
        self.i = 0

    def take(self, n):
        if self.i + n > len(self.b):
            raise ProtocolError("field runs past the end")
        r = self.b[self.i:self.i + n]
        self.i += n
        return r

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def str(self):
        raw = self.take(self.u16())
        try:
            return raw.decode("utf-8", errors="strict")  # rejects overlongs, surrogates
        except UnicodeDecodeError:
            raise ProtocolError("invalid UTF-8")

    def list(self):
        return [self.str() for _ in range(self.u16())]

    def member(self):
        return (self.str(), self.take(32))

    def members(self):
        n = self.u16()
        if n * 34 > len(self.b) - self.i:  # §4.1: refuse a count that cannot fit
            raise ProtocolError("member count %d cannot fit" % n)
        return [self.member() for _ in range(n)]

    def end(self):
        if self.i != len(self.b):
            raise ProtocolError("%d trailing bytes" % (len(self.b) - self.i))


# field layouts: name -> list of (field, kind)
C2S = {
    JOIN: ("JOIN", [("name", "str")]),
    SAY: ("SAY", [("text", "str")]),
    C_DM: ("DM", [("to", "str"), ("text", "str")]),
    WHO: ("WHO", []),
    PING: ("PING", [("token", "u64")]),
    C_BYE: ("BYE", [("message", "str")]),
    CLIENT_AUTH: ("CLIENT_AUTH", [("key", "k32"), ("sig", "b64")]),
}
S2C = {
    SERVER_AUTH: ("SERVER_AUTH", [("sig", "b64")]),
    WELCOME: ("WELCOME", [("name", "str"), ("server", "str"), ("motd", "str"), ("rate", "u32"),
                          ("burst", "u32"), ("members", "members")]),
    MESSAGE: ("MESSAGE", [("time", "u64"), ("from", "str"), ("text", "str")]),
    JOINED: ("JOINED", [("time", "u64"), ("member", "member")]),
    LEFT: ("LEFT", [("time", "u64"), ("name", "str"), ("reason", "str"), ("message", "str")]),
    S_DM: ("DM", [("time", "u64"), ("from", "str"), ("to", "str"), ("text", "str")]),
    ROSTER: ("ROSTER", [("members", "members")]),
    PONG: ("PONG", [("token", "u64")]),
    ERROR: ("ERROR", [("code", "u16"), ("text", "str")]),
    S_BYE: ("BYE", [("reason", "str")]),
}


def _encode(table, mtype, **fields):
    name, layout = table[mtype]
    out = bytearray([mtype])
    for f, kind in layout:
        v = fields[f]
        if kind == "str":
            out += enc_str(v)
        elif kind == "list":
            out += enc_list(v)
        elif kind == "u64":
            out += struct.pack(">Q", v)
        elif kind == "u16":
            out += struct.pack(">H", v)
        elif kind == "u32":
            out += struct.pack(">I", v)
        elif kind == "member":
            out += enc_member(v)
        elif kind == "members":
            out += enc_members(v)
        elif kind == "k32":
            assert len(v) == 32
            out += v
        elif kind == "b64":
            assert len(v) == 64
            out += v
    return bytes(out)


def _decode(table, b):
    if not b:
        raise ProtocolError("empty message")
    if b[0] not in table:
        raise ProtocolError("unknown type 0x%02x" % b[0])
    name, layout = table[b[0]]
    r = Reader(b)
    r.u8()
    msg = {"type": name}
    for f, kind in layout:
        if kind == "str":
            msg[f] = r.str()
        elif kind == "list":
            msg[f] = r.list()
        elif kind == "u64":
            msg[f] = r.u64()
        elif kind == "u16":
            msg[f] = r.u16()
        elif kind == "u32":
            msg[f] = r.u32()
        elif kind == "member":
            msg[f] = r.member()
        elif kind == "members":
            msg[f] = r.members()
        elif kind == "k32":
            msg[f] = r.take(32)
        elif kind == "b64":
            msg[f] = r.take(64)
    r.end()
    return msg


def encode_c2s(mtype, **fields):
    return _encode(C2S, mtype, **fields)


def encode_s2c(mtype, **fields):
    return _encode(S2C, mtype, **fields)


def decode_c2s(b):
    return _decode(C2S, b)


def decode_s2c(b):
    return _decode(S2C, b)


def decode_members_changed(b):
    """MEMBERS_CHANGED (§4.3, §5.8) as the events it stands for: with rest = 0, one JOINED or
    LEFT per change, each with the record's time, in order; with rest = 1, one WELCOME_REST
    carrying the members a WELCOME had no room for."""
    r = Reader(b)
    if r.u8() != MEMBERS_CHANGED:
        raise ProtocolError("not MEMBERS_CHANGED")
    time, rest = r.u64(), r.u8()
    if rest > 1:
        raise ProtocolError("MEMBERS_CHANGED rest %d" % rest)
    n = r.u16()
    if n == 0 or n * 7 > len(r.b) - r.i:
        raise ProtocolError("change count %d cannot fit" % n)
    events = []
    for _ in range(n):
        tag = r.u8()
        if tag == 0x01:
            events.append({"type": "JOINED", "time": time, "member": r.member()})
        elif tag == 0x02 and not rest:
            events.append({"type": "LEFT", "time": time, "name": r.str(), "reason": r.str(),
                           "message": r.str()})
        else:
            raise ProtocolError("change tag 0x%02x (rest %d)" % (tag, rest))
    r.end()
    if rest:
        return [{"type": "WELCOME_REST", "members": [e["member"] for e in events]}]
    return events


# ------------------------------------------------------- session rules (§5)

import re
import unicodedata

NAME_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.\-]{0,23}\Z")


def name_valid(n):
    return bool(NAME_RE.match(n))


def skeleton(n):
    return n.lower().replace("0", "o").replace("1", "l").replace("i", "l")


def text_problem(t):
    """None if valid, else 'TEXT_INVALID' / 'TEXT_TOO_LONG' (per §5 Text)."""
    b = t.encode("utf-8")
    if len(b) > 4096:
        return "TEXT_TOO_LONG"
    if len(b) == 0 or t.strip() == "" or all(c.isspace() for c in t):
        return "TEXT_INVALID"
    for c in t:
        if c in "\u200c\u200d":
            continue
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp"):
            return "TEXT_INVALID"
    return None


# ------------------------------------------------------------ discovery (§8)

DISC_REQ_MAGIC = b"LANCHAT?"
DISC_REP_MAGIC = b"LANCHAT!"
DISC_LABEL = b"lanchat v1 discovery"
DISC_REQ_LEN = 160


def discovery_request(nonce32=None):
    n = nonce32 if nonce32 is not None else os.urandom(32)
    assert len(n) == 32
    return (DISC_REQ_MAGIC + bytes([DISC_VERSION]) + n).ljust(DISC_REQ_LEN, b"\x00"), n


def discovery_reply(identity_priv, nonce32, tcp_port, name):
    nb = enc_str(name)
    assert len(nb) - 2 <= 48
    sig = identity_priv.sign(DISC_LABEL + nonce32 + struct.pack(">H", tcp_port) + nb)
    return DISC_REP_MAGIC + bytes([DISC_VERSION]) + struct.pack(">H", tcp_port) + \
        ed25519_pub(identity_priv) + sig + nb


def parse_discovery_reply(d, nonce32):
    """Returns dict; raises ProtocolError on layout or signature failure."""
    r = Reader(d)
    if r.take(8) != DISC_REP_MAGIC:
        raise ProtocolError("reply magic")
    if r.u8() != DISC_VERSION:
        raise ProtocolError("reply version")
    port = r.u16()
    si = r.take(32)
    sig = r.take(64)
    name_start = r.i
    name = r.str()
    nb = d[name_start:r.i]
    r.end()
    if len(nb) - 2 > 48:
        raise ProtocolError("name longer than 48 bytes")
    try:
        Ed25519PublicKey.from_public_bytes(si).verify(
            sig, DISC_LABEL + nonce32 + struct.pack(">H", port) + nb)
    except InvalidSignature:
        raise ProtocolError("discovery signature")
    return {"port": port, "si": si, "sig": sig, "name": name}


# ------------------------------------------------------- client-side session

class ClientConn:
    """Python client: handshake + records. All waits bounded by `timeout`."""

    def __init__(self, port, timeout=5.0, host="127.0.0.1"):
        assert host == "127.0.0.1"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)

    def handshake(self, ce_priv=None, ce_pub_override=None, verify=True, identity=None,
                  client_auth=True):
        """Hellos, SERVER_AUTH and (unless client_auth is False) CLIENT_AUTH with `identity`
        (a fresh Ed25519 key when None), as §2.4 and §2.5 say."""
        self.identity = identity or Ed25519PrivateKey.generate()
        self.ci = ed25519_pub(self.identity)
        self.sh = recv_frame(self.sock)
        self.se, self.salt, self.si = parse_server_hello(self.sh)
        self.ce_priv = ce_priv or X25519PrivateKey.generate()
        ce_pub = ce_pub_override if ce_pub_override is not None else x25519_pub(self.ce_priv)
        self.ch = client_hello(ce_pub)
        send_frame(self.sock, self.ch)
        shared = x25519_shared(self.ce_priv, self.se)
        self.th, k_c2s, k_s2c = key_schedule(shared, self.sh, self.ch)
        self.tx = Channel(k_c2s)
        self.rx = Channel(k_s2c)
        auth = self.recv()
        if auth["type"] != "SERVER_AUTH":
            raise ProtocolError("first record is %s" % auth["type"])
        self.auth_ok = auth_verify(self.si, self.th, auth["sig"])
        if verify and not self.auth_ok:
            raise ProtocolError("SERVER_AUTH signature invalid")
        if client_auth:
            self.send_client_auth()
        return self

    def send_client_auth(self, key=None, sig=None, th=None):
        self.send(CLIENT_AUTH, key=key if key is not None else self.ci,
                  sig=sig if sig is not None else client_auth_sign(self.identity, th or self.th))

    def send_raw_plain(self, plaintext):
        send_frame(self.sock, self.tx.seal(plaintext))

    def send(self, mtype, **f):
        self.send_raw_plain(encode_c2s(mtype, **f))

    def update_key(self):
        """Seals KEY_UPDATE (0x1A) under k, then seals everything after under k'."""
        self.send_raw_plain(bytes([KEY_UPDATE_C2S]))
        self.tx.update()

    def recv_raw(self):
        """The next plaintext; the server's KEY_UPDATEs (exactly 0x2C) are followed here and
        counted in key_updates_seen, as the page says the record layer does."""
        in_a_row = 0
        while True:
            pt = self.rx.open(recv_frame(self.sock))
            if pt != bytes([KEY_UPDATE_S2C]):
                return pt
            in_a_row += 1
            if in_a_row > KEY_UPDATE_MAX_IN_A_ROW:
                raise ProtocolError("more than 16 KEY_UPDATE records in a row")
            self.key_updates_seen = getattr(self, "key_updates_seen", 0) + 1
            self.rx.update()

    def recv(self):
        queued = self.__dict__.setdefault("_queued", [])
        if queued:
            return queued.pop(0)
        b = self.recv_raw()
        if b[:1] == bytes([MEMBERS_CHANGED]):
            queued.extend(decode_members_changed(b))
            return queued.pop(0)
        return decode_s2c(b)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
