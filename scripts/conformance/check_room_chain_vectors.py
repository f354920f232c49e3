#!/usr/bin/env python3
"""Recomputes the room-chain worked example of docs/protocol.md ("Room chain").

    python3 scripts/conformance/check_room_chain_vectors.py

Plain Python: SHA-256 and scrypt from the standard library (hashlib), Ed25519 from
`cryptography`, every byte laid out here from the section's words. It recomputes each value of
the section's block, the /verify line from the wordlist file, checks that the signed head
parses by the section's layout and that its signature verifies, and prints PASS/FAIL per check.
"""
import hashlib
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Results  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: E402
    Ed25519PrivateKey, Ed25519PublicKey)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORDLIST = os.path.join(ROOT, "chat-common", "src", "main", "resources", "dev", "lanchat",
                        "common", "pake", "join-code-words.txt")
SECTION = "## Room chain"
T0 = 1767225600000


def string(s):
    b = s.encode("utf-8")
    return struct.pack(">H", len(b)) + b


def private(seed_byte):
    return Ed25519PrivateKey.from_private_bytes(bytes([seed_byte]) * 32)


def raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def canonical(sender, room, eid, time, etype, payload):
    return (sender + string(room) + struct.pack(">QQB", eid, time, etype)
            + struct.pack(">I", len(payload)) + payload)


def words():
    with open(WORDLIST, encoding="ascii") as f:
        return [w.strip() for w in f if w.strip() and not w.startswith("#")]


def compute():
    room = "#dev"
    alice, bob = private(0x05), private(0x07)
    ak, bk = raw_public(alice), raw_public(bob)
    out = {"alice_key": ak, "bob_key": bk}
    head = hashlib.sha256(b"lanchat v2 room genesis" + string(room)).digest()
    out["genesis"] = head
    events = [(ak, 1, T0, 0x22, string("alice") + ak),
              (bk, 2, T0 + 1000, 0x22, string("bob") + bk),
              (ak, 3, T0 + 2000, 0x21, string("alice") + string("hello"))]
    for sender, eid, time, etype, payload in events:
        c = canonical(sender, room, eid, time, etype, payload)
        head = hashlib.sha256(b"lanchat v2 room chain" + head + c).digest()
        out["canonical_%d" % eid] = c
        out["head_%d" % eid] = head
    salt = b"lanchat v2 verify words" + string(room) + struct.pack(">Q", 3)
    out["verify_bytes"] = hashlib.scrypt(head, salt=salt, n=2 ** 14, r=8, p=1, dklen=6,
                                         maxmem=64 * 1024 * 1024)
    signed = b"lanchat v2 room head" + string(room) + struct.pack(">Q", 3) + head
    out["signed_bytes"] = signed
    out["signed_head"] = string(room) + struct.pack(">Q", 3) + head + bk + bob.sign(signed)
    wl = words()
    line = "%s at event 3: %s" % (room, " ".join(wl[b] for b in out["verify_bytes"]))
    return out, line, len(wl)


def section():
    text = open(os.path.join(ROOT, "docs", "protocol.md"), encoding="utf-8").read()
    return text[text.index(SECTION):]


def block_from_doc(sec):
    block = sec[sec.index("```text\n") + 8:]
    block = block[:block.index("```")]
    values, current = {}, None
    for line in block.splitlines():
        m = re.match(r"^([A-Za-z_0-9]+): +([0-9a-f]+)$", line)
        if m:
            current = m.group(1)
            values[current] = m.group(2)
        elif current and re.match(r"^ +[0-9a-f]+$", line):
            values[current] += line.strip()
    return {k: bytes.fromhex(v) for k, v in values.items()}


def parse_signed_head(body):
    """room: str ‖ id: u64 ‖ head[32] ‖ signer[32] ‖ sig[64], nothing after."""
    n = struct.unpack(">H", body[:2])[0]
    if not 2 <= n <= 33 or len(body) != 2 + n + 8 + 32 + 32 + 64:
        raise ValueError("not exactly one signed head")
    room = body[2:2 + n].decode("ascii")
    if not re.fullmatch(r"#[A-Za-z0-9_-]{1,32}", room):
        raise ValueError("bad room name")
    at = 2 + n
    eid = struct.unpack(">Q", body[at:at + 8])[0]
    if not 1 <= eid < 2 ** 63:
        raise ValueError("bad id")
    head, signer, sig = body[at + 8:at + 40], body[at + 40:at + 72], body[at + 72:]
    return room, eid, head, signer, sig


def main():
    res = Results()
    sec = section()
    doc = block_from_doc(sec)
    mine, line, count = compute()
    res.check("the wordlist holds 256 distinct words", count == 256 and len(set(words())) == 256)
    res.check("the block lists exactly the recomputed values, in order",
              list(doc) == list(mine), "doc: %s" % list(doc))
    for name, value in mine.items():
        res.check(name, doc.get(name) == value,
                  "doc %s, recomputed %s" % (doc.get(name, b"").hex(), value.hex()))
    res.check("the /verify line", ("\n    " + line + "\n") in sec, line)
    room, eid, head, signer, sig = parse_signed_head(doc["signed_head"])
    signed = b"lanchat v2 room head" + string(room) + struct.pack(">Q", eid) + head
    try:
        Ed25519PublicKey.from_public_bytes(signer).verify(sig, signed)
        ok = True
    except InvalidSignature:
        ok = False
    res.check("signed_head parses and its signature verifies under bob's key",
              ok and signer == mine["bob_key"] and head == mine["head_3"])
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
