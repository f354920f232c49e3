"""The end-to-end layer of docs/protocol.md ("End-to-end layer"), written from that section alone.

One copy for check_e2e_vectors.py and the two live checks: the signed e2e key, the sealed DM
(HPKE of RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305,
single-shot, laid out here by hand from the RFC), sender chains, sender keys and room messages.
Ed25519, X25519, HMAC and ChaCha20-Poly1305 come from `cryptography`.
"""
import hashlib
import hmac
import os
import struct
import time

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

E2E_KEY_LEN = 140
MAX_SEALED = 16384          # sealed_dm and (per the wire brief) room_message
MIN_DM_CT = 89              # kind, counter, signature, tag
MIN_SEALED = 4 + 32 + MIN_DM_CT
MIN_ROOM_MESSAGE = 4 + 4 + 16 + 64   # epoch, counter, tag, signature (an empty text)
TOP = 2 ** 63
KIND_TEXT, KIND_SENDER_KEY = 1, 2
MAX_SKIP = 2000
KEY_LIFE_MS = 14 * 86400000

KEY_LABEL = b"lanchat v2 e2e key"
DM_INFO_LABEL = b"lanchat v2 e2e dm"
DM_SIG_LABEL = b"lanchat v2 e2e dm sig"
MESSAGE_KEY_LABEL = b"lanchat v2 e2e message key"
CHAIN_KEY_LABEL = b"lanchat v2 e2e chain key"
ROOM_LABEL = b"lanchat v2 e2e room"


class E2eError(Exception):
    """A value of the layer that a receiver refuses; the text says why."""


def s(x):
    b = x.encode("utf-8") if isinstance(x, str) else bytes(x)
    return struct.pack(">H", len(b)) + b


def raw(pub):
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ed_pub(priv):
    return raw(priv.public_key())


def x_pub(priv):
    return raw(priv.public_key())


def now_ms():
    return int(time.time() * 1000)


# ------------------------------------------------------------------ HKDF and HPKE (RFC 9180)

def extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


KEM_ID = b"KEM" + struct.pack(">H", 0x0020)
HPKE_ID = b"HPKE" + struct.pack(">HHH", 0x0020, 0x0001, 0x0003)


def labeled_extract(suite, salt, label, ikm):
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite, prk, label, info, n):
    return expand(prk, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info, n)


def derive_sk(ikm):
    """RFC 9180 §7.1.3 DeriveKeyPair for X25519 (only to show which reading the page's vector takes)."""
    prk = labeled_extract(KEM_ID, b"", b"dkp_prk", ikm)
    return labeled_expand(KEM_ID, prk, b"sk", b"", 32)


def _key_schedule(dh, enc, pk_r, info):
    eae = labeled_extract(KEM_ID, b"", b"eae_prk", dh)
    shared = labeled_expand(KEM_ID, eae, b"shared_secret", enc + pk_r, 32)
    ctx = b"\x00" + labeled_extract(HPKE_ID, b"", b"psk_id_hash", b"") + \
        labeled_extract(HPKE_ID, b"", b"info_hash", info)
    secret = labeled_extract(HPKE_ID, shared, b"secret", b"")
    return labeled_expand(HPKE_ID, secret, b"key", ctx, 32), labeled_expand(HPKE_ID, secret, b"base_nonce", ctx, 12)


def hpke_seal(sk_e, pk_r, info, aad, pt):
    """Base mode, single shot (RFC 9180 §5.1, §6.1); sk_e is the raw X25519 ephemeral key."""
    e = X25519PrivateKey.from_private_bytes(sk_e)
    enc = x_pub(e)
    key, nonce = _key_schedule(e.exchange(X25519PublicKey.from_public_bytes(pk_r)), enc, pk_r, info)
    return enc, ChaCha20Poly1305(key).encrypt(nonce, pt, aad)


def hpke_open(sk_r, enc, info, aad, ct):
    """The recipient's side; raises E2eError when it does not open."""
    try:
        dh = sk_r.exchange(X25519PublicKey.from_public_bytes(enc))
    except ValueError:
        raise E2eError("enc is a low-order point")
    key, nonce = _key_schedule(dh, enc, x_pub(sk_r), info)
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ct, aad)
    except InvalidTag:
        raise E2eError("does not open")


def verify(pub, sig, data):
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, data)
        return True
    except (InvalidSignature, ValueError):
        return False


# ------------------------------------------------------------------ end-to-end key

def e2e_key_signed(key, not_after, serial):
    return KEY_LABEL + key + struct.pack(">QI", not_after, serial)


def make_e2e_key(identity, xpriv=None, not_after=None, serial=1, sign_with=None, owner=None):
    """(e2e_key bytes, X25519 private key). sign_with/owner let a check forge the variants."""
    xpriv = xpriv or X25519PrivateKey.generate()
    not_after = not_after if not_after is not None else now_ms() + KEY_LIFE_MS
    key = x_pub(xpriv)
    sig = (sign_with or identity).sign(e2e_key_signed(key, not_after, serial))
    return (owner or ed_pub(identity)) + key + struct.pack(">QI", not_after, serial) + sig, xpriv


def parse_e2e_key(b):
    """Strict: exactly 140 bytes, not_after below 2^63. Returns a dict."""
    if len(b) != E2E_KEY_LEN:
        raise E2eError("e2e_key of %d bytes" % len(b))
    not_after, serial = struct.unpack(">QI", b[64:76])
    if not_after >= TOP:
        raise E2eError("not_after >= 2^63")
    return {"owner": b[:32], "key": b[32:64], "not_after": not_after, "serial": serial, "sig": b[76:140]}


def e2e_key_problem(b, pinned, now=None):
    """None when a receiver accepts the key of the member pinned to `pinned`, else why not:
    owner, then signature, then not_after, in the page's order."""
    try:
        k = parse_e2e_key(b)
    except E2eError as e:
        return str(e)
    if k["owner"] != pinned:
        return "owner is not the pinned identity"
    if not verify(k["owner"], k["sig"], e2e_key_signed(k["key"], k["not_after"], k["serial"])):
        return "signature does not verify"
    # "has passed": the key is still in use at its not_after millisecond
    if k["not_after"] < (now if now is not None else now_ms()):
        return "not_after has passed"
    return None


def seal_to(keys, pinned, now):
    """Of a recipient's e2e_keys, the one a sender seals to at `now`: the newest (highest serial)
    the receiver-side checks accept, i.e. whose not_after has not passed. E2eError if none."""
    usable = [b for b in keys if e2e_key_problem(b, pinned, now) is None]
    if not usable:
        raise E2eError("no key of the recipient is in use")
    return max(usable, key=lambda b: parse_e2e_key(b)["serial"])


KEEP_AFTER_MS = 7 * 86400000


def private_key_held(not_after, now):
    """Whether the owner still holds a key's private half: until 7 days after its not_after,
    that millisecond included (the current key is never wiped; not modelled here)."""
    return now <= not_after + KEEP_AFTER_MS


# ------------------------------------------------------------------ sealed DM

def dm_info(sender, recipient, serial):
    return DM_INFO_LABEL + sender + recipient + struct.pack(">I", serial)


def dm_signed(recipient, serial, kind, counter, content):
    return DM_SIG_LABEL + recipient + struct.pack(">IBQ", serial, kind, counter) + content


def seal_dm(sender_priv, recipient_id, recipient_e2e_key, kind, counter, content, eph=None):
    """sealed_dm for `recipient_e2e_key` (the 140-byte value); eph: raw ephemeral key (vectors)."""
    k = parse_e2e_key(recipient_e2e_key)
    sender = ed_pub(sender_priv)
    body = struct.pack(">BQ", kind, counter) + content + \
        sender_priv.sign(dm_signed(recipient_id, k["serial"], kind, counter, content))
    enc, ct = hpke_seal(eph or os.urandom(32), k["key"], dm_info(sender, recipient_id, k["serial"]), b"", body)
    return struct.pack(">I", k["serial"]) + enc + ct


def parse_sealed_dm(b):
    if not MIN_SEALED <= len(b) <= MAX_SEALED:
        raise E2eError("sealed_dm of %d bytes" % len(b))
    return struct.unpack(">I", b[:4])[0], b[4:36], b[36:]


def open_dm(xprivs, recipient_id, sender_id, sealed):
    """Opens a sealed_dm with the recipient's keys {serial: X25519 private key}; checks the
    signature under sender_id. Returns {serial, kind, counter, content}; E2eError when refused."""
    serial, enc, ct = parse_sealed_dm(sealed)
    if serial not in xprivs:
        raise E2eError("no key of serial %d" % serial)
    body = hpke_open(xprivs[serial], enc, dm_info(sender_id, recipient_id, serial), b"", ct)
    if len(body) < 9 + 64:
        raise E2eError("body too short")
    kind, counter = struct.unpack(">BQ", body[:9])
    content, sig = body[9:-64], body[-64:]
    if kind not in (KIND_TEXT, KIND_SENDER_KEY):
        raise E2eError("kind %d" % kind)
    if not verify(sender_id, sig, dm_signed(recipient_id, serial, kind, counter, content)):
        raise E2eError("signature does not verify")
    return {"serial": serial, "kind": kind, "counter": counter, "content": content}


# ------------------------------------------------------------------ sender keys and room messages

def message_key(chain_key):
    mk = expand(chain_key, MESSAGE_KEY_LABEL, 44)
    return mk[:32], mk[32:]


def next_chain_key(chain_key):
    return expand(chain_key, CHAIN_KEY_LABEL, 32)


def sender_key(room, epoch, counter, chain_key):
    return s(room) + struct.pack(">II", epoch, counter) + chain_key


def parse_sender_key(b):
    if len(b) < 2:
        raise E2eError("sender_key too short")
    n = struct.unpack(">H", b[:2])[0]
    if len(b) != 2 + n + 8 + 32:
        raise E2eError("sender_key of %d bytes" % len(b))
    room = b[2:2 + n].decode("utf-8")
    epoch, counter = struct.unpack(">II", b[2 + n:10 + n])
    return {"room": room, "epoch": epoch, "counter": counter, "chain_key": b[10 + n:]}


def room_header(room, sender, epoch, counter):
    return ROOM_LABEL + s(room) + sender + struct.pack(">II", epoch, counter)


class Chain:
    """One sender chain of one room: (epoch, next counter, chain key at that counter)."""

    def __init__(self, room, epoch=1, chain_key=None, counter=1):
        self.room, self.epoch, self.counter = room, epoch, counter
        self.key = chain_key or os.urandom(32)

    def sender_key(self):
        """The chain as it stands, for a sealed DM of kind 2."""
        return sender_key(self.room, self.epoch, self.counter, self.key)

    def seal(self, sender_priv, text):
        """The next room_message; moves the chain."""
        mk, nonce = message_key(self.key)
        header = room_header(self.room, ed_pub(sender_priv), self.epoch, self.counter)
        ct = ChaCha20Poly1305(mk).encrypt(nonce, text.encode("utf-8") if isinstance(text, str) else text, header)
        out = struct.pack(">II", self.epoch, self.counter) + ct + sender_priv.sign(header + ct)
        self.counter += 1
        self.key = next_chain_key(self.key)
        return out


class Reader:
    """A receiver's chains of the other members of one room, checked as the page says."""

    def __init__(self, room):
        self.room = room
        self.chains = {}   # (sender, epoch) -> [given counter, next counter, chain key]

    def accept_sender_key(self, sender, sk):
        k = parse_sender_key(sk)
        if k["room"] != self.room:
            raise E2eError("sender key for another room")
        held = [e for (snd, e) in self.chains if snd == sender]
        if held and k["epoch"] <= max(held):
            raise E2eError("epoch at or below one held")
        self.chains[(sender, k["epoch"])] = [k["counter"], k["counter"], k["chain_key"]]

    def open(self, sender, rm):
        """The text of a room_message from `sender`; E2eError when refused. Returns (text, skipped)."""
        if not MIN_ROOM_MESSAGE <= len(rm) <= MAX_SEALED:
            raise E2eError("room_message of %d bytes" % len(rm))
        epoch, counter = struct.unpack(">II", rm[:8])
        ct, sig = rm[8:-64], rm[-64:]
        header = room_header(self.room, sender, epoch, counter)
        if not verify(sender, sig, header + ct):
            raise E2eError("signature does not verify")
        st = self.chains.get((sender, epoch))
        if st is None:
            raise E2eError("no chain of that sender and epoch")
        given, nxt, key = st
        if counter < given:
            raise E2eError("sent before we joined")
        if counter < nxt:
            raise E2eError("replay or reordering")
        if counter - nxt > MAX_SKIP:
            raise E2eError("too far to skip")
        k = key
        for _ in range(counter - nxt):
            k = next_chain_key(k)
        mk, nonce = message_key(k)
        try:
            text = ChaCha20Poly1305(mk).decrypt(nonce, ct, header)
        except InvalidTag:
            raise E2eError("does not open")
        self.chains[(sender, epoch)] = [given, counter + 1, next_chain_key(k)]
        return text.decode("utf-8"), counter - nxt
