#!/usr/bin/env python3
"""Recomputes the worked example of docs/protocol.md "End-to-end layer".

    python3 scripts/conformance/check_e2e_vectors.py

Written from that section alone: the signed e2e key, the sealed DM (HPKE of RFC 9180, base
mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, single-shot, laid out here by
hand from the RFC), the sender key and the room message; and, from the rows of §4.2 and §4.3,
the four messages that carry them (E2E_KEY, SEALED_DM, E2E_SAY, E2E_MESSAGE), laid out by hand
and then decoded strictly and re-encoded by lanchat_ref.py; then the two rotations: bob's second
key with the DM sealed to it and the first key's wipe time, and #ops's epoch 2 after bob leaves. Ed25519, X25519, HMAC and
ChaCha20-Poly1305 come from `cryptography`; the HPKE key schedule is written out in e2e_ref.py.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Results  # noqa: E402
import e2e_ref as E  # noqa: E402  (the layer's one Python copy, shared with the live checks)
import lanchat_ref as L  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECTION = "## End-to-end layer"


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
    out = {"alice_id": E.ed_pub(alice), "bob_id": E.ed_pub(bob)}
    bob_e2e = X25519PrivateKey.from_private_bytes(bytes([0x31]) * 32)
    out["bob_e2e_public"] = E.x_pub(bob_e2e)
    not_after, serial = 1767225600000 + 14 * 86400000, 1
    out["e2e_key_signed"] = E.e2e_key_signed(out["bob_e2e_public"], not_after, serial)
    out["bob_e2e_key"] = E.make_e2e_key(bob, bob_e2e, not_after, serial)[0]
    out["dm_info"] = E.dm_info(out["alice_id"], out["bob_id"], serial)

    def sealed(kind, counter, content, eph_byte):
        signed = E.dm_signed(out["bob_id"], serial, kind, counter, content)
        body = struct.pack(">BQ", kind, counter) + content + alice.sign(signed)
        return signed, body, E.seal_dm(alice, out["bob_id"], out["bob_e2e_key"], kind, counter, content,
                                       eph=ephemeral(bytes([eph_byte]) * 32))
    out["dm_signed"], out["dm_body"], out["sealed_dm"] = sealed(1, 1, b"hello bob", 0x41)
    chain = E.Chain("#ops", 1, bytes([0x51]) * 32)
    out["sender_key"] = chain.sender_key()
    out["sealed_sender_key"] = sealed(2, 2, out["sender_key"], 0x42)[2]
    out["message_key_1"], out["nonce_1"] = E.message_key(chain.key)
    out["chain_key_2"] = E.next_chain_key(chain.key)
    out["room_header"] = E.room_header("#ops", out["alice_id"], 1, 1)
    out["room_message"] = chain.seal(alice, "hello room")
    # the wire: E2E_KEY 0x1C e2e_key[140]; SEALED_DM 0x1E id ‖ to ‖ sealed_dm: bytes; E2E_SAY
    # 0x1F id ‖ room ‖ room_message: bytes; E2E_MESSAGE 0x30 envelope ‖ from ‖ room_message: bytes,
    # envelope = room ‖ id ‖ head[32] ‖ time ‖ sender[32]
    out["e2e_key_plaintext"] = b"\x1c" + out["bob_e2e_key"]
    out["sealed_dm_plaintext"] = b"\x1e" + struct.pack(">Q", 1) + E.s("bob") + E.s(out["sealed_dm"])
    out["e2e_say_plaintext"] = b"\x1f" + struct.pack(">Q", 2) + E.s("#ops") + E.s(out["room_message"])
    envelope = E.s("#ops") + struct.pack(">Q", 1) + bytes([0x11]) * 32 + struct.pack(">Q", 1767225600000) + \
        out["alice_id"]
    out["e2e_message_plaintext"] = b"\x30" + envelope + E.s("alice") + E.s(out["room_message"])
    rotations(out, alice, bob, ephemeral)
    return out


DAY = 86400000
T1 = 1767225600000 + 7 * DAY       # bob's second key is made a week after the first


def rotations(out, alice, bob, ephemeral):
    """The page's key rotation and chain rotation after bob leaves #ops, from its words alone."""
    # key rotation: key 2, serial 2, not_after = creation + 14 days; the sender seals to the
    # newest key whose not_after has not passed; key 1 is wiped 7 days after its not_after
    bob_e2e_2 = X25519PrivateKey.from_private_bytes(bytes([0x32]) * 32)
    out["bob_e2e_public_2"] = E.x_pub(bob_e2e_2)
    out["bob_e2e_key_2"] = E.make_e2e_key(bob, bob_e2e_2, T1 + 14 * DAY, 2)[0]
    key_1_not_after = E.parse_e2e_key(out["bob_e2e_key"])["not_after"]
    out["bob_e2e_key_1_wiped_at"] = struct.pack(">Q", key_1_not_after + 7 * DAY)
    to = E.seal_to([out["bob_e2e_key"], out["bob_e2e_key_2"]], out["bob_id"], T1)
    # alice's DMs to bob so far: 1 the text, 2 the sender key; this is her third
    out["sealed_dm_2"] = E.seal_dm(alice, out["bob_id"], to, 1, 3, b"hello again",
                                   eph=ephemeral(bytes([0x43]) * 32))
    # chain rotation: carol stays, epoch 2 with chain key 0x52 goes to her only; alice's DM 1 to
    # carol was the epoch-1 sender key, so this one is counter 2
    carol = Ed25519PrivateKey.from_private_bytes(bytes([0x09]) * 32)
    carol_e2e = X25519PrivateKey.from_private_bytes(bytes([0x33]) * 32)
    out["carol_id"] = E.ed_pub(carol)
    out["carol_e2e_public"] = E.x_pub(carol_e2e)
    out["carol_e2e_key"] = E.make_e2e_key(carol, carol_e2e, 1767225600000 + 14 * DAY, 1)[0]
    chain = E.Chain("#ops", 2, bytes([0x52]) * 32)
    out["sender_key_2"] = chain.sender_key()
    out["sealed_sender_key_2"] = E.seal_dm(alice, out["carol_id"], out["carol_e2e_key"], 2, 2,
                                           out["sender_key_2"], eph=ephemeral(bytes([0x44]) * 32))
    out["message_key_e2_1"], out["nonce_e2_1"] = E.message_key(chain.key)
    out["room_message_2"] = chain.seal(alice, "after bob")


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
              m["payload"] == E.s("alice") + E.s(mine["room_message"]), m["payload"].hex())

    def refused(b, dec):
        try:
            dec(b)
            return False
        except L.ProtocolError:
            return True
    key = mine["e2e_key_plaintext"]
    sd = mine["sealed_dm_plaintext"]
    rm = mine["room_message"]
    cases = {
        "E2E_KEY of 139 bytes": (key[:-1], L.decode_c2s),
        "not_after >= 2^63": (key[:65] + bytes([0x80]) + key[66:], L.decode_c2s),
        "SEALED_DM id 0": (b"\x1e" + bytes(8) + sd[9:], L.decode_c2s),
        "a sealed_dm of 124 bytes": (b"\x1e" + struct.pack(">Q", 1) + E.s("bob") + E.s(mine["sealed_dm"][:124]),
                                     L.decode_c2s),
        "a room_message with counter 0": (b"\x1f" + struct.pack(">Q", 2) + E.s("#ops") + E.s(rm[:4] + bytes(4) + rm[8:]),
                                          L.decode_c2s),
        "a room_message of 87 bytes": (b"\x1f" + struct.pack(">Q", 2) + E.s("#ops") + E.s(rm[:87]), L.decode_c2s),
        "ENTER flags 2": (b"\x40" + E.s("#ops") + bytes(8) + b"\x02", L.decode_c2s),
    }
    bad = [k for k, (b, dec) in cases.items() if not refused(b, dec)]
    res.check("refused by lanchat_ref: " + "; ".join(cases), not bad, "accepted: %r" % bad)


def round_trip(doc):
    """Bob's side of the same values: the sealed DMs open with his key and say what alice put in,
    the sender key parses, and his reader of #ops opens the room message."""
    bob = Ed25519PrivateKey.from_private_bytes(bytes([0x07]) * 32)
    keys = {1: X25519PrivateKey.from_private_bytes(bytes([0x31]) * 32)}
    dm = E.open_dm(keys, E.ed_pub(bob), doc["alice_id"], doc["sealed_dm"])
    sk = E.open_dm(keys, E.ed_pub(bob), doc["alice_id"], doc["sealed_sender_key"])
    reader = E.Reader("#ops")
    reader.accept_sender_key(doc["alice_id"], sk["content"])
    text, skipped = reader.open(doc["alice_id"], doc["room_message"])
    problem = E.e2e_key_problem(doc["bob_e2e_key"], doc["bob_id"], now=1767225600000)
    return (dm["kind"], dm["counter"], dm["content"], sk["kind"], sk["counter"], text, skipped, problem) == \
        (1, 1, b"hello bob", 2, 2, "hello room", 0, None), repr((dm, sk, text, problem))


def refusal(f):
    try:
        f()
        return None
    except E.E2eError as e:
        return str(e)


def rotation_round_trip(doc):
    """The rotations from the receiving side: bob opens the DM sealed to key 2 and cannot read
    epoch 2; carol reads it; the seal-to and wipe rules hold at their boundary milliseconds."""
    bob = E.ed_pub(Ed25519PrivateKey.from_private_bytes(bytes([0x07]) * 32))
    keys = {1: X25519PrivateKey.from_private_bytes(bytes([0x31]) * 32),
            2: X25519PrivateKey.from_private_bytes(bytes([0x32]) * 32)}
    alice = doc["alice_id"]
    dm2 = E.open_dm(keys, bob, alice, doc["sealed_dm_2"])
    bob_reader = E.Reader("#ops")
    bob_reader.accept_sender_key(alice, E.open_dm(keys, bob, alice, doc["sealed_sender_key"])["content"])
    bob_epoch_2 = refusal(lambda: bob_reader.open(alice, doc["room_message_2"]))
    carol = doc["carol_id"]
    carol_keys = {1: X25519PrivateKey.from_private_bytes(bytes([0x33]) * 32)}
    sk2 = E.open_dm(carol_keys, carol, alice, doc["sealed_sender_key_2"])
    carol_reader = E.Reader("#ops")
    carol_reader.accept_sender_key(alice, sk2["content"])
    text, skipped = carol_reader.open(alice, doc["room_message_2"])
    k1, k2 = doc["bob_e2e_key"], doc["bob_e2e_key_2"]
    na1 = E.parse_e2e_key(k1)["not_after"]
    wiped_at = struct.unpack(">Q", doc["bob_e2e_key_1_wiped_at"])[0]
    seal_to = [E.parse_e2e_key(E.seal_to(ks, bob, t))["serial"]
               for ks, t in (([k1], T1 - 1), ([k1, k2], T1), ([k1], na1))]
    no_key_after = refusal(lambda: E.seal_to([k1], bob, na1 + 1))
    held = [E.private_key_held(na1, wiped_at), E.private_key_held(na1, wiped_at + 1)]
    got = (dm2["serial"], dm2["kind"], dm2["counter"], dm2["content"], bob_epoch_2 is not None,
           sk2["counter"], text, skipped, seal_to, no_key_after is not None, held,
           E.e2e_key_problem(k2, bob, now=T1), E.e2e_key_problem(doc["carol_e2e_key"], carol, now=T1))
    want = (2, 1, 3, b"hello again", True, 2, "after bob", 0, [1, 2, 1], True, [True, False], None, None)
    return got == want, repr(got)


def main():
    res = Results()
    doc = block_from_doc()
    as_is = compute(lambda b: b)
    derived = compute(E.derive_sk)
    which = "as the raw X25519 private key"
    mine = as_is
    if doc.get("sealed_dm") != as_is["sealed_dm"] and doc.get("sealed_dm") == derived["sealed_dm"]:
        which, mine = "as the ikm of RFC 9180 DeriveKeyPair", derived
    res.check("the block lists exactly the recomputed values, in order", list(doc) == list(mine),
              "doc: %s" % list(doc))
    for name, value in mine.items():
        res.check(name, doc.get(name) == value, "doc %s, recomputed %s" % (doc.get(name, b"").hex(), value.hex()))
    page = open(os.path.join(ROOT, "docs", "protocol.md"), encoding="utf-8").read()
    says_raw = "used as the raw X25519 private key" in " ".join(page[page.index(SECTION):].split())
    res.check("the HPKE ephemeral private key 32 x 0x41 is used %s, as the page says" % which,
              says_raw == (mine is as_is), "page says raw: %s" % says_raw)
    res.check("bob_e2e_key is 140 bytes, as the page's layout says", len(mine["bob_e2e_key"]) == 140)
    wire_checks(res, mine)
    res.run("bob opens both sealed DMs and the room message with e2e_ref's receiving side; his e2e key checks", lambda: round_trip(doc))
    res.run("rotations: bob opens the DM to key 2 but not epoch 2, carol reads epoch 2; seal-to and wipe"
            " rules at their boundaries", lambda: rotation_round_trip(doc))
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
