"""Independent reference implementation of the LanChat wire protocol v2.

Written from docs/protocol.md only (no project code read); v1 was written
from the v1 page the same way.
Loopback use only; every blocking call is bounded by a socket timeout.
"""
import base64
import hashlib
import os
import re
import socket
import unicodedata
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

# message types (§4.2, §4.3)
JOIN, SAY, C_DM, WHO, PING, C_BYE, CLIENT_AUTH = 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16
C_SIGNED_HEAD = 0x1B
E2E_KEY, E2E_KEYS_GET, C_SEALED_DM, E2E_SAY = 0x1C, 0x1D, 0x1E, 0x1F  # end-to-end layer (issue 17)
ENTER, PART, ME, NICK, C_TOPIC, AWAY, ROOMS = 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46
SERVER_AUTH, WELCOME, MESSAGE, JOINED, LEFT, S_DM, ROSTER, PONG, ERROR, S_BYE = (
    0x01, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28)
S_SIGNED_HEAD = 0x2D
E2E_KEYS, S_SEALED_DM, E2E_MESSAGE = 0x2E, 0x2F, 0x30  # end-to-end layer (issue 17)
MEMBERS_CHANGED = 0x31  # §4.3, §5.8
BATCH_OK, S_BATCH = 0x47, 0x37  # §4.2, §4.3, §5.13
ACTION, RENAMED, S_TOPIC, ENTERED, ROOM_LIST = 0x32, 0x33, 0x34, 0x35, 0x36
ROOM_EVENTS = {MESSAGE, JOINED, LEFT, ACTION, RENAMED, S_TOPIC, E2E_MESSAGE}  # carry the envelope

ERR = {1: "NAME_TAKEN", 2: "NAME_INVALID", 3: "NO_SUCH_USER", 4: "TEXT_INVALID",
       5: "TEXT_TOO_LONG", 6: "RATE_LIMITED", 7: "SERVER_FULL", 8: "NOT_JOINED",
       9: "ALREADY_JOINED", 10: "AUTH_FAILED", 11: "AUTH_REQUIRED", 12: "NAME_BOUND",
       13: "NOT_ALLOWED", 14: "JOIN_CODE_FAILED", 15: "ROOM_INVALID", 16: "NOT_IN_ROOM",
       17: "ALREADY_IN_ROOM", 18: "TOO_MANY_ROOMS", 19: "OFFLINE_FULL", 20: "STORE_FAILED",
       21: "E2E_KEY_INVALID", 22: "E2E_MISMATCH"}
ERR_CODE = {v: k for k, v in ERR.items()}
MAX_ID = 2 ** 63 - 1  # event ids and skipped (§4.3)


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


# field layouts: type -> (name, list of (field, kind)). The kinds are the page's: str, u8, u16,
# u32, u64, k32 (key[32]), h32 (head[32]), b64 (sig[64]), member, id (a client message id, any
# u64 but 0, §4.2), envelope (§4.3), entries (ROSTER), changes (MEMBERS_CHANGED), rooms
# (ROOM_LIST), sroom (a room name the server sends: must follow §5.2), more, status, eid
# (event id 1..2^63-1), skipped (0..2^63-1), signed_head (page "Room chain"); for the end-to-end
# layer: flags (0 or 1, bit 0 = end-to-end; another value is malformed), e2e_key (exactly 140
# bytes, not_after < 2^63), sealed (a sealed_dm: bytes of 125..16,384), rmsg (a room_message:
# bytes of 88..16,384 whose counter is at least 1), e2e_keys (E2E_KEYS' records).
C2S = {
    JOIN: ("JOIN", [("name", "str")]),
    SAY: ("SAY", [("id", "id"), ("room", "str"), ("text", "str")]),
    C_DM: ("DM", [("id", "id"), ("to", "str"), ("text", "str")]),
    WHO: ("WHO", [("room", "str")]),
    PING: ("PING", [("token", "u64")]),
    C_BYE: ("BYE", [("message", "str")]),
    CLIENT_AUTH: ("CLIENT_AUTH", [("key", "k32"), ("sig", "b64")]),
    C_SIGNED_HEAD: ("SIGNED_HEAD", [("signed_head", "signed_head")]),
    ENTER: ("ENTER", [("room", "str"), ("since", "u64"), ("flags", "flags")]),
    E2E_KEY: ("E2E_KEY", [("e2e_key", "e2e_key")]),
    E2E_KEYS_GET: ("E2E_KEYS_GET", [("target", "str")]),
    C_SEALED_DM: ("SEALED_DM", [("id", "id"), ("to", "str"), ("sealed_dm", "sealed")]),
    E2E_SAY: ("E2E_SAY", [("id", "id"), ("room", "str"), ("room_message", "rmsg")]),
    PART: ("PART", [("room", "str"), ("message", "str")]),
    ME: ("ME", [("id", "id"), ("room", "str"), ("text", "str")]),
    NICK: ("NICK", [("name", "str")]),
    C_TOPIC: ("TOPIC", [("room", "str"), ("topic", "str")]),
    AWAY: ("AWAY", [("text", "str")]),
    ROOMS: ("ROOMS", []),
    BATCH_OK: ("BATCH_OK", []),
}
ENV = [("envelope", "envelope")]
S2C = {
    SERVER_AUTH: ("SERVER_AUTH", [("sig", "b64")]),
    WELCOME: ("WELCOME", [("name", "str"), ("server", "str"), ("motd", "str"), ("rate", "u32"),
                          ("burst", "u32"), ("max_rooms", "u16")]),
    MESSAGE: ("MESSAGE", ENV + [("from", "str"), ("text", "str")]),
    JOINED: ("JOINED", ENV + [("member", "member")]),
    LEFT: ("LEFT", ENV + [("name", "str"), ("reason", "str"), ("message", "str")]),
    S_DM: ("DM", [("time", "u64"), ("from", "str"), ("to", "str"), ("text", "str"),
                  ("status", "status"), ("note", "str")]),
    ROSTER: ("ROSTER", [("room", "sroom"), ("more", "more"), ("entries", "entries")]),
    PONG: ("PONG", [("token", "u64")]),
    ERROR: ("ERROR", [("code", "u16"), ("text", "str")]),
    S_BYE: ("BYE", [("reason", "str")]),
    S_SIGNED_HEAD: ("SIGNED_HEAD", [("signed_head", "signed_head")]),
    MEMBERS_CHANGED: ("MEMBERS_CHANGED", [("room", "sroom"), ("first_id", "eid"), ("head", "h32"),
                                          ("time", "u64"), ("changes", "changes")]),
    ACTION: ("ACTION", ENV + [("from", "str"), ("text", "str")]),
    RENAMED: ("RENAMED", ENV + [("old", "str"), ("new", "str")]),
    S_TOPIC: ("TOPIC", ENV + [("by", "str"), ("topic", "str")]),
    ENTERED: ("ENTERED", [("room", "sroom"), ("topic", "str"), ("members", "u32"),
                          ("history", "u32"), ("skipped", "skipped"), ("flags", "flags")]),
    ROOM_LIST: ("ROOM_LIST", [("rooms", "rooms")]),
    E2E_KEYS: ("E2E_KEYS", [("target", "str"), ("more", "more"), ("keys", "e2e_keys")]),
    S_SEALED_DM: ("SEALED_DM", [("time", "u64"), ("from", "str"), ("from_key", "k32"), ("to", "str"),
                                ("sealed_dm", "sealed"), ("status", "status"), ("note", "str")]),
    E2E_MESSAGE: ("E2E_MESSAGE", ENV + [("from", "str"), ("room_message", "rmsg")]),
}
ENVELOPE_FIELDS = ("room", "id", "head", "time", "sender")


def enc_envelope(room, eid, head, time, sender):
    assert len(head) == 32 and len(sender) == 32
    return enc_str(room) + struct.pack(">Q", eid) + head + struct.pack(">Q", time) + sender


def enc_signed_head(room, eid, head, signer, sig):
    return enc_str(room) + struct.pack(">Q", eid) + head + signer + sig


def enc_change(ch):
    """ch: ("enter", (name, key)) or ("leave", key, name, reason, message)."""
    if ch[0] == "enter":
        return b"\x01" + enc_member(ch[1])
    _, key, name, reason, message = ch
    assert len(key) == 32
    return b"\x02" + key + enc_str(name) + enc_str(reason) + enc_str(message)


def _enc_field(kind, v):
    if kind in ("str", "sroom"):
        return enc_str(v)
    if kind in ("u64", "id", "eid", "skipped"):
        return struct.pack(">Q", v)
    if kind == "u16":
        return struct.pack(">H", v)
    if kind == "u32":
        return struct.pack(">I", v)
    if kind in ("u8", "more", "status", "flags"):
        return bytes([v])
    if kind == "e2e_key":
        return bytes(v)
    if kind in ("sealed", "rmsg"):
        return enc_str(v)
    if kind == "e2e_keys":  # [(name, e2e_key)]
        return struct.pack(">H", len(v)) + b"".join(enc_str(n) + bytes(k) for n, k in v)
    if kind == "member":
        return enc_member(v)
    if kind in ("k32", "h32"):
        assert len(v) == 32
        return bytes(v)
    if kind == "b64":
        assert len(v) == 64
        return bytes(v)
    if kind == "envelope":
        return enc_envelope(*v) if isinstance(v, tuple) else enc_envelope(*(v[k] for k in ENVELOPE_FIELDS))
    if kind == "entries":  # [((name, key), away)]
        return struct.pack(">H", len(v)) + b"".join(enc_member(m) + enc_str(a) for m, a in v)
    if kind == "changes":
        return struct.pack(">H", len(v)) + b"".join(enc_change(c) for c in v)
    if kind == "rooms":  # [(room, members, topic, flags)]; a 3-tuple has flags 0
        return struct.pack(">H", len(v)) + b"".join(enc_str(x[0]) + struct.pack(">I", x[1]) + enc_str(x[2])
                                                    + bytes([x[3] if len(x) > 3 else 0]) for x in v)
    if kind == "signed_head":
        return enc_signed_head(*v) if isinstance(v, tuple) else bytes(v)
    raise ValueError(kind)


def _encode(table, mtype, **fields):
    name, layout = table[mtype]
    out = bytearray([mtype])
    for f, kind in layout:
        # the end-to-end flag is new (issue 17): a message built without it has flags 0
        out += _enc_field(kind, fields.get(f, 0) if kind == "flags" else fields[f])
    return bytes(out)


ROOM_RE = re.compile(r"\A#[A-Za-z0-9_-]{1,32}\Z")


def room_valid(r):
    """§5.2: '#' and 1 to 32 ASCII letters, digits, '_' or '-'."""
    return bool(ROOM_RE.match(r))


def room_skeleton(r):
    return "#" + skeleton(r[1:])


def _sroom(r):
    v = r.str()
    if not room_valid(v):
        raise ProtocolError("room name %r breaks §5.2" % v)
    return v


def _eid(r):
    v = r.u64()
    if not 1 <= v <= MAX_ID:
        raise ProtocolError("event id %d out of range" % v)
    return v


def _flags(r):
    v = r.u8()
    if v > 1:
        raise ProtocolError("flags %d" % v)
    return v


def _count(r, per, what):
    n = r.u16()
    if n * per > len(r.b) - r.i:  # §4.1: refuse a count that cannot fit before allocating
        raise ProtocolError("%s count %d cannot fit" % (what, n))
    return n


def _dec_field(r, kind):
    if kind == "str":
        return r.str()
    if kind == "sroom":
        return _sroom(r)
    if kind == "u64":
        return r.u64()
    if kind == "id":
        v = r.u64()
        if v == 0:
            raise ProtocolError("client message id 0")
        return v
    if kind == "eid":
        return _eid(r)
    if kind == "skipped":
        v = r.u64()
        if v > MAX_ID:
            raise ProtocolError("skipped %d out of range" % v)
        return v
    if kind == "u16":
        return r.u16()
    if kind == "u32":
        return r.u32()
    if kind == "u8":
        return r.u8()
    if kind == "more":
        v = r.u8()
        if v > 1:
            raise ProtocolError("more %d" % v)
        return v
    if kind == "status":
        v = r.u8()
        if v > 3:
            raise ProtocolError("DM status %d" % v)
        return v
    if kind == "member":
        return r.member()
    if kind in ("k32", "h32"):
        return r.take(32)
    if kind == "b64":
        return r.take(64)
    if kind == "envelope":
        return {"room": _sroom(r), "id": _eid(r), "head": r.take(32), "time": r.u64(),
                "sender": r.take(32)}
    if kind == "entries":
        n = _count(r, 36, "ROSTER entry")
        return [(r.member(), r.str()) for _ in range(n)]
    if kind == "changes":
        n = _count(r, 35, "change")
        if n == 0:
            raise ProtocolError("MEMBERS_CHANGED with no change")
        out = []
        for _ in range(n):
            at = r.i
            tag = r.u8()
            if tag == 0x01:
                m = r.member()
                out.append({"tag": 1, "type": "JOINED", "etype": JOINED, "sender": m[1], "member": m,
                            "payload": r.b[at + 1:r.i]})
            elif tag == 0x02:
                key = r.take(32)
                p0 = r.i
                name, reason, message = r.str(), r.str(), r.str()
                out.append({"tag": 2, "type": "LEFT", "etype": LEFT, "sender": key, "name": name,
                            "reason": reason, "message": message, "payload": r.b[p0:r.i]})
            else:
                raise ProtocolError("change tag 0x%02x" % tag)
        return out
    if kind == "rooms":
        n = _count(r, 11, "room")
        return [(_sroom(r), r.u32(), r.str(), _flags(r)) for _ in range(n)]
    if kind == "flags":
        return _flags(r)
    if kind == "e2e_key":
        b = r.take(140)
        if struct.unpack(">Q", b[64:72])[0] >= 2 ** 63:
            raise ProtocolError("e2e_key not_after >= 2^63")
        return b
    if kind == "sealed":
        b = r.take(r.u16())
        if not 125 <= len(b) <= 16384:
            raise ProtocolError("sealed_dm of %d bytes" % len(b))
        return b
    if kind == "rmsg":
        b = r.take(r.u16())
        if not 88 <= len(b) <= 16384:
            raise ProtocolError("room_message of %d bytes" % len(b))
        if struct.unpack(">I", b[4:8])[0] == 0:  # §4.2: counter at least 1
            raise ProtocolError("room_message counter 0")
        return b
    if kind == "e2e_keys":
        n = _count(r, 142, "E2E_KEYS record")
        out = []
        for _ in range(n):
            name = r.str()
            out.append((name, _dec_field(r, "e2e_key")))
        return out
    if kind == "signed_head":
        room, eid, head, signer, sig = _sroom(r), _eid(r), r.take(32), r.take(32), r.take(64)
        return (room, eid, head, signer, sig)
    raise ValueError(kind)


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
        at = r.i
        v = _dec_field(r, kind)
        if kind == "envelope":
            msg.update(v)
            msg["payload"] = None  # filled below: everything after the envelope
            msg["_payload_at"] = r.i
        else:
            msg[f] = v
    r.end()
    if "_payload_at" in msg:
        msg["payload"] = bytes(b[msg.pop("_payload_at"):])
        msg["etype"] = b[0]
    return msg


# ------------------------------------------------------------- batches (§5.13)

NEVER_IN_BATCH = {SERVER_AUTH: "SERVER_AUTH", 0x2C: "KEY_UPDATE", S_BATCH: "BATCH"}


def unpack_batch(b):
    """The messages (plaintexts) of a BATCH, checked whole before any is used (§5.13): the type
    byte 0x37, then one or more `length: u16 || message` up to the end. No message at all, a
    length of 0, a length (or its two bytes) running past the end, or a message of a type a BATCH
    never holds (SERVER_AUTH, KEY_UPDATE, BATCH) is a malformed message."""
    if not b or b[0] != S_BATCH:
        raise ValueError("not a BATCH")
    if len(b) == 1:
        raise ProtocolError("BATCH with no message")
    out, i = [], 1
    while i < len(b):
        if i + 2 > len(b):
            raise ProtocolError("BATCH: the two bytes of a length run past the end")
        (n,) = struct.unpack(">H", b[i:i + 2])
        i += 2
        if n == 0:
            raise ProtocolError("BATCH: a length of 0")
        if i + n > len(b):
            raise ProtocolError("BATCH: a length of %d runs past the end (%d left)" % (n, len(b) - i))
        inner = bytes(b[i:i + n])
        i += n
        if inner[0] in NEVER_IN_BATCH:
            raise ProtocolError("BATCH holds %s" % NEVER_IN_BATCH[inner[0]])
        out.append(inner)
    return out


def decode_batch(b):
    """unpack_batch, then every message decoded strictly (its fields end exactly at its length);
    all of them before any is returned."""
    return [decode_s2c(x) for x in unpack_batch(b)]


def encode_batch(messages):
    """0x37 ‖ (u16 length ‖ message)*: what a server sends; no check (checks build bad ones)."""
    return bytes([S_BATCH]) + b"".join(struct.pack(">H", len(m)) + bytes(m) for m in messages)


def encode_c2s(mtype, **fields):
    return _encode(C2S, mtype, **fields)


def encode_s2c(mtype, **fields):
    return _encode(S2C, mtype, **fields)


def decode_c2s(b):
    return _decode(C2S, b)


def decode_s2c(b):
    """A server message; a BATCH comes out as {"type": "BATCH", "messages": [decoded, ...]}."""
    if b[:1] == bytes([S_BATCH]):
        return {"type": "BATCH", "messages": decode_batch(b)}
    return _decode(S2C, b)


def expand_members_changed(mc):
    """The room events a MEMBERS_CHANGED stands for (§4.3): change i is event first_id + i with
    the record's time; only the last carries the record's head, the others "head": None (a
    client computes them, see Chains)."""
    out = []
    n = len(mc["changes"])
    for i, ch in enumerate(mc["changes"]):
        e = {k: v for k, v in ch.items() if k != "tag"}
        e.update(room=mc["room"], id=mc["first_id"] + i, time=mc["time"],
                 head=mc["head"] if i == n - 1 else None, coalesced=n)
        out.append(e)
    return out


# ------------------------------------------------------------ room chain (page "Room chain")

def canonical(sender, room, eid, time, etype, payload):
    return sender + enc_str(room) + struct.pack(">QQB", eid, time, etype) + \
        struct.pack(">I", len(payload)) + payload


def genesis(room):
    return hashlib.sha256(b"lanchat v2 room genesis" + enc_str(room)).digest()


def chain_next(head, event):
    """head_n from head_(n-1) and a decoded room event (dict with sender, room, id, time, etype,
    payload)."""
    return hashlib.sha256(b"lanchat v2 room chain" + head + canonical(
        event["sender"], event["room"], event["id"], event["time"], event["etype"],
        event["payload"])).digest()


class Chains:
    """A client's running chain of each room, checked as the page's table says; every outcome
    that is not extended/started is kept in `issues` (the checks want none)."""

    def __init__(self):
        self.state = {}      # room skeleton -> (last id, head)
        self.expect_skip = {}  # room skeleton -> k announced by ENTERED
        self.issues = []
        self.extended = 0
        self.computed = 0    # intermediate heads of MEMBERS_CHANGED computed and confirmed

    def entered(self, room, since, skipped):
        k = room_skeleton(room)
        if since == 0:
            self.state.pop(k, None)
        self.expect_skip[k] = skipped

    def left(self, room):
        self.state.pop(room_skeleton(room), None)

    def event(self, e):
        """Chains one event; for an event of a MEMBERS_CHANGED without head, fills e["head"]
        with the computed one. Returns the outcome."""
        k = room_skeleton(e["room"])
        st = self.state.get(k)
        sent = e.get("head")
        if st is None:
            if e["id"] == 1:
                h = chain_next(genesis(e["room"]), e)
                outcome = "extended" if sent is None or h == sent else "mismatch"
            else:
                h, outcome = None, "started"
        else:
            last, head = st
            if e["id"] == last + 1 and head is not None:
                h = chain_next(head, e)
                outcome = "extended" if sent is None or h == sent else "mismatch"
            elif e["id"] == last + 1:
                h, outcome = None, "started"
            elif e["id"] == last + 1 + self.expect_skip.get(k, 0) and self.expect_skip.get(k):
                h, outcome = None, "started"
            elif e["id"] > last + 1:
                h, outcome = None, "gap"
            else:
                self.issues.append("out of order: %s id %d after %d" % (e["room"], e["id"], last))
                return "out of order"
        self.expect_skip.pop(k, None)
        if sent is None:
            if h is None:
                self.issues.append("cannot compute the head of %s id %d" % (e["room"], e["id"]))
            e["head"] = h
            self.computed += 1
        if outcome == "extended":
            self.extended += 1
        if outcome in ("gap", "mismatch"):
            self.issues.append("%s: %s id %d (last %s)" % (outcome, e["room"], e["id"], st and st[0]))
        self.state[k] = (e["id"], e["head"])
        return outcome


# ------------------------------------------------------- session rules (§5)


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

# When True, every ClientConn sends BATCH_OK right after its WELCOME, as our client does (§5.1,
# §5.13); a connection may override it with its own auto_batch_ok before it JOINs.
AUTO_BATCH_OK = False
BATCH_STATS = {"records": 0, "messages": 0}  # every BATCH any ClientConn of this run received


class ClientConn:
    """Python client: handshake + records. All waits bounded by `timeout`."""

    def __init__(self, port, timeout=5.0, host="127.0.0.1"):
        assert host == "127.0.0.1"
        self.auto_batch_ok = AUTO_BATCH_OK
        self.batch_ok_sent = False  # a BATCH before our BATCH_OK is a protocol error here (§5.13)
        self.batches = 0            # BATCH records received
        self.batched = 0            # messages that came inside them
        self.batch_sizes = []       # plaintext bytes of each BATCH
        self.batch_counts = []      # messages in each BATCH
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
        """Sends one message; SAY, ME and DM get the next client message id unless one is
        given, and SAY, ME and WHO the room #general unless one is given."""
        if mtype in (SAY, ME, C_DM, C_SEALED_DM, E2E_SAY) and "id" not in f:
            f["id"] = self.next_id()
        if mtype in (SAY, ME, WHO) and "room" not in f:
            f["room"] = "#general"
        if mtype == ENTER:
            f.setdefault("flags", 0)
            self.__dict__.setdefault("_since", {})[room_skeleton(f["room"])] = f["since"]
        self.send_raw_plain(encode_c2s(mtype, **f))

    def send_batch_ok(self):
        """BATCH_OK (47): from now on the server may send BATCH records (§5.13)."""
        self.send(BATCH_OK)
        self.batch_ok_sent = True

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

    def next_id(self):
        """§5.10: a random start, one more per message, never 0."""
        if not hasattr(self, "_next_id"):
            self._next_id = int.from_bytes(os.urandom(6), "big") + 1
        self._next_id += 1
        return self._next_id - 1

    def recv(self):
        """The next message; a MEMBERS_CHANGED comes out as the JOINED and LEFT events it
        stands for (each marked "coalesced": count). Every room event is chained in
        self.chains (page "Room chain"), ENTERED and our own LEFT keep it in step. A BATCH
        (§5.13) is checked whole, then its messages come out one by one, in order, exactly as if
        each had come in its own record; a BATCH before we sent BATCH_OK is a protocol error.
        With auto_batch_ok, BATCH_OK goes out right after WELCOME."""
        queued = self.__dict__.setdefault("_queued", [])
        if not queued:
            b = self.recv_raw()
            m = decode_s2c(b)
            if m["type"] == "BATCH":
                if not self.batch_ok_sent:
                    raise ProtocolError("BATCH (%d messages) to a session that never sent BATCH_OK" %
                                        len(m["messages"]))
                self.batches += 1
                self.batched += len(m["messages"])
                self.batch_sizes.append(len(b))
                self.batch_counts.append(len(m["messages"]))
                BATCH_STATS["records"] += 1
                BATCH_STATS["messages"] += len(m["messages"])
                inner = m["messages"]
            else:
                inner = [m]
            for m in inner:
                if m["type"] == "MEMBERS_CHANGED":
                    self.raw_members_changed = getattr(self, "raw_members_changed", []) + [m]
                    queued.extend(expand_members_changed(m))
                else:
                    queued.append(m)
        m = queued.pop(0)
        if m["type"] == "WELCOME" and self.auto_batch_ok and not self.batch_ok_sent:
            self.send_batch_ok()
        chains = self.__dict__.setdefault("chains", Chains())
        if m["type"] == "ENTERED":
            chains.entered(m["room"], self.__dict__.get("_since", {}).get(room_skeleton(m["room"]), 0),
                           m["skipped"])
        elif "etype" in m:
            chains.event(m)
            if m["type"] == "LEFT" and m["sender"] == getattr(self, "ci", None):
                chains.left(m["room"])
        return m

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
