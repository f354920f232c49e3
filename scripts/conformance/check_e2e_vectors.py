#!/usr/bin/env python3
"""Recomputes the worked example of docs/protocol.md "End-to-end layer".

    python3 scripts/conformance/check_e2e_vectors.py

Written from that section alone: the signed e2e key, the sealed DM (HPKE of RFC 9180, base
mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, single-shot, laid out here by
hand from the RFC), the sender key and the room message; and, from the rows of §4.2 and §4.3,
the four messages that carry them (E2E_KEY, SEALED_DM, E2E_SAY, E2E_MESSAGE), laid out by hand
and then decoded strictly and re-encoded by lanchat_ref.py. Ed25519, X25519, HMAC and
ChaCha20-Poly1305 come from `cryptography`; the HPKE key schedule is written out below.
"""
import hashlib
import hmac
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Results  # noqa: E402
import lanchat_ref as L  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECTION = "## End-to-end layer"


def s(x):
    b = x.encode("utf-8")
    return struct.pack(">H", len(b)) + b


def raw(pub):
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


# RFC 9180: DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, ChaCha20Poly1305 0x0003
KEM_ID = b"KEM" + struct.pack(">H", 0x0020)
HPKE_ID = b"HPKE" + struct.pack(">HHH", 0x0020, 0x0001, 0x0003)


def labeled_extract(suite, salt, label, ikm):
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite, prk, label, info, n):
    return expand(prk, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info, n)


def derive_sk(ikm):
    """RFC 9180 §7.1.3 DeriveKeyPair for X25519."""
    prk = labeled_extract(KEM_ID, b"", b"dkp_prk", ikm)
    return labeled_expand(KEM_ID, prk, b"sk", b"", 32)


def hpke_seal(sk_e, pk_r, info, aad, pt):
    """Base mode, single shot (RFC 9180 §5.1, §6.1)."""
    e = X25519PrivateKey.from_private_bytes(sk_e)
    enc = raw(e.public_key())
    dh = e.exchange(X25519PublicKey.from_public_bytes(pk_r))
    eae = labeled_extract(KEM_ID, b"", b"eae_prk", dh)
    shared = labeled_expand(KEM_ID, eae, b"shared_secret", enc + pk_r, 32)
    ctx = b"\x00" + labeled_extract(HPKE_ID, b"", b"psk_id_hash", b"") + \
        labeled_extract(HPKE_ID, b"", b"info_hash", info)
    secret = labeled_extract(HPKE_ID, shared, b"secret", b"")
    key = labeled_expand(HPKE_ID, secret, b"key", ctx, 32)
    nonce = labeled_expand(HPKE_ID, secret, b"base_nonce", ctx, 12)
    return enc, ChaCha20Poly1305(key).encrypt(nonce, pt, aad)


def bytes_field(b):
    """§ Conventions: `bytes` is a u16 length, then that many bytes."""
    return struct.pack(">H", len(b)) + b


def block_from_doc():
    text = open(os.path.join(ROOT, "docs", "protocol.md"), encoding="utf-8").read()
    sec = text[text.index(SECTION):]
    block = sec[sec.index("```text\n") + 8:]
    block = block[:block.index("```")]
    values, cur = {}, None
    for line in block.splitlines():
        m = re.match(r"^([A-Za-z_0-9]+): +([0-9a-f]+)$", line)
        if m:
            cur = m.group(1)
            values[cur] = m.group(2)
        elif cur and re.match(r"^ +[0-9a-f]+$", line):
            values[cur] += line.strip()
    return {k: bytes.fromhex(v) for k, v in values.items()}


def compute(ephemeral):
    alice = Ed25519PrivateKey.from_private_bytes(bytes([0x05]) * 32)
    bob = Ed25519PrivateKey.from_private_bytes(bytes([0x07]) * 32)
    out = {"alice_id": raw(alice.public_key()), "bob_id": raw(bob.public_key())}
    bob_e2e = X25519PrivateKey.from_private_bytes(bytes([0x31]) * 32)
    out["bob_e2e_public"] = raw(bob_e2e.public_key())
    not_after, serial = 1767225600000 + 14 * 86400000, 1
    tail = out["bob_e2e_public"] + struct.pack(">QI", not_after, serial)
    out["e2e_key_signed"] = b"lanchat v2 e2e key" + tail
    out["bob_e2e_key"] = out["bob_id"] + tail + bob.sign(out["e2e_key_signed"])
    out["dm_info"] = b"lanchat v2 e2e dm" + out["alice_id"] + out["bob_id"] + struct.pack(">I", serial)

    def sealed(kind, counter, content, eph_byte):
        signed = b"lanchat v2 e2e dm sig" + out["bob_id"] + struct.pack(">IBQ", serial, kind, counter) + content
        body = struct.pack(">BQ", kind, counter) + content + alice.sign(signed)
        enc, ct = hpke_seal(ephemeral(bytes([eph_byte]) * 32), out["bob_e2e_public"], out["dm_info"], b"", body)
        return signed, body, struct.pack(">I", serial) + enc + ct
    out["dm_signed"], out["dm_body"], out["sealed_dm"] = sealed(1, 1, b"hello bob", 0x41)
    chain_key = bytes([0x51]) * 32
    out["sender_key"] = s("#ops") + struct.pack(">II", 1, 1) + chain_key
    out["sealed_sender_key"] = sealed(2, 2, out["sender_key"], 0x42)[2]
    mk = expand(chain_key, b"lanchat v2 e2e message key", 44)
    out["message_key_1"], out["nonce_1"] = mk[:32], mk[32:]
    out["chain_key_2"] = expand(chain_key, b"lanchat v2 e2e chain key", 32)
    out["room_header"] = b"lanchat v2 e2e room" + s("#ops") + out["alice_id"] + struct.pack(">II", 1, 1)
    ct = ChaCha20Poly1305(out["message_key_1"]).encrypt(out["nonce_1"], b"hello room", out["room_header"])
    out["room_message"] = struct.pack(">II", 1, 1) + ct + alice.sign(out["room_header"] + ct)
    # the wire: E2E_KEY 0x1C e2e_key[140]; SEALED_DM 0x1E id ‖ to ‖ sealed_dm: bytes; E2E_SAY
    # 0x1F id ‖ room ‖ room_message: bytes; E2E_MESSAGE 0x30 envelope ‖ from ‖ room_message: bytes,
    # envelope = room ‖ id ‖ head[32] ‖ time ‖ sender[32]
    out["e2e_key_plaintext"] = b"\x1c" + out["bob_e2e_key"]
    out["sealed_dm_plaintext"] = b"\x1e" + struct.pack(">Q", 1) + s("bob") + bytes_field(out["sealed_dm"])
    out["e2e_say_plaintext"] = b"\x1f" + struct.pack(">Q", 2) + s("#ops") + bytes_field(out["room_message"])
    envelope = s("#ops") + struct.pack(">Q", 1) + bytes([0x11]) * 32 + struct.pack(">Q", 1767225600000) + \
        out["alice_id"]
    out["e2e_message_plaintext"] = b"\x30" + envelope + s("alice") + bytes_field(out["room_message"])
    return out


def wire_checks(res, mine):
    """The four messages decode strictly with lanchat_ref.py and re-encode to the same bytes; a
    changed bound is refused."""
    msgs = [("e2e_key_plaintext", L.decode_c2s, L.encode_c2s),
            ("sealed_dm_plaintext", L.decode_c2s, L.encode_c2s),
            ("e2e_say_plaintext", L.decode_c2s, L.encode_c2s),
            ("e2e_message_plaintext", L.decode_s2c, L.encode_s2c)]
    for name, dec, enc in msgs:
        b = mine[name]
        try:
            m = dec(b)
            fields = {k: v for k, v in m.items() if k not in ("type", "payload", "etype")}
            if "sender" in m:
                fields = {k: v for k, v in fields.items() if k not in L.ENVELOPE_FIELDS}
                fields["envelope"] = m
            ok, why = enc(b[0], **fields) == b, repr(m)[:200]
        except Exception as e:  # noqa
            ok, why = False, repr(e)
        res.check("%s decodes strictly and re-encodes (lanchat_ref)" % name, ok, why)
    m = L.decode_s2c(mine["e2e_message_plaintext"])
    res.check("E2E_MESSAGE's chain payload is from ‖ room_message: bytes",
              m["payload"] == s("alice") + bytes_field(mine["room_message"]), m["payload"].hex())

    def refused(b, dec):
        try:
            dec(b)
            return False
        except L.ProtocolError:
            return True
    key = mine["e2e_key_plaintext"]
    sd = mine["sealed_dm_plaintext"]
    res.check("refused: E2E_KEY of 139 bytes; not_after >= 2^63; SEALED_DM id 0; a sealed_dm of 124 bytes; "
              "a room_message with counter 0; ENTER flags 2",
              refused(key[:-1], L.decode_c2s)
              and refused(key[:65] + bytes([0x80]) + key[66:], L.decode_c2s)
              and refused(b"\x1e" + bytes(8) + sd[9:], L.decode_c2s)
              and refused(b"\x1e" + struct.pack(">Q", 1) + s("bob") + bytes_field(mine["sealed_dm"][:124]),
                          L.decode_c2s)
              and refused(b"\x1f" + struct.pack(">Q", 2) + s("#ops") +
                          bytes_field(mine["room_message"][:4] + bytes(4) + mine["room_message"][8:]), L.decode_c2s)
              and refused(b"\x40" + s("#ops") + bytes(8) + b"\x02", L.decode_c2s))


def main():
    res = Results()
    doc = block_from_doc()
    as_is = compute(lambda b: b)
    derived = compute(derive_sk)
    which = "as the raw X25519 private key"
    mine = as_is
    if doc.get("sealed_dm") != as_is["sealed_dm"] and doc.get("sealed_dm") == derived["sealed_dm"]:
        which, mine = "as the ikm of RFC 9180 DeriveKeyPair", derived
    res.check("the block lists exactly the recomputed values, in order", list(doc) == list(mine),
              "doc: %s" % list(doc))
    for name, value in mine.items():
        res.check(name, doc.get(name) == value, "doc %s, recomputed %s" % (doc.get(name, b"").hex(), value.hex()))
    res.check("the HPKE ephemeral private key 32 x 0x41 is used %s (the page does not say which)" % which, True,
              which)
    res.check("bob_e2e_key is 140 bytes, as the page's layout says", len(mine["bob_e2e_key"]) == 140)
    wire_checks(res, mine)
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
