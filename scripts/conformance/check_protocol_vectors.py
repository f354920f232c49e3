#!/usr/bin/env python3
"""Recomputes every value of docs/protocol.md §9 with lanchat_ref.py and compares.

    python3 scripts/conformance/check_protocol_vectors.py [--doc docs/protocol.md]

The values are read from the page's §9.2 block, so a change of either the page
or lanchat_ref.py that breaks the agreement fails here.
"""
import argparse
import base64
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanchat_ref as L  # noqa: E402
from common import Results  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def page_values(doc):
    text = open(doc, encoding="utf-8").read()
    sec = text[text.index("### 9.2 Values"):]
    block = sec[sec.index("```text") + 7:]
    block = block[:block.index("```")]
    vals, cur = {}, None
    for line in block.splitlines():
        m = re.match(r"^(\w+)\s+=\s+([0-9a-f]+)\s*$", line)
        if m:
            cur = m.group(1)
            vals[cur] = m.group(2)
        elif line.strip() and cur:
            vals[cur] += line.strip()
    fp = re.search(r"fingerprint\(Si\) = (SHA256:\S+)", sec).group(1)
    pem = re.search(r"-----BEGIN PRIVATE KEY-----\n(\S+)\n-----END PRIVATE KEY-----", sec).group(1)
    return {k: bytes.fromhex(v) for k, v in vals.items()}, fp, pem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "protocol.md"))
    a = ap.parse_args()
    R = Results()
    V, page_fp, page_pem = page_values(a.doc)
    got = {}
    sep = X25519PrivateKey.from_private_bytes(bytes([1]) * 32)
    cep = X25519PrivateKey.from_private_bytes(bytes([2]) * 32)
    sid = Ed25519PrivateKey.from_private_bytes(bytes([4]) * 32)
    cid = Ed25519PrivateKey.from_private_bytes(V["client_identity_seed"])
    salt = bytes([3]) * 32
    got["Se"], got["Ce"] = L.x25519_pub(sep), L.x25519_pub(cep)
    got["Si"], got["Ci"] = L.ed25519_pub(sid), L.ed25519_pub(cid)
    got["server_hello"] = L.server_hello(got["Se"], salt, got["Si"])
    got["client_hello"] = L.client_hello(got["Ce"])
    got["shared"] = L.x25519_shared(sep, got["Ce"])
    th, kc, ks = L.key_schedule(got["shared"], got["server_hello"], got["client_hello"])
    got["th"], got["k_c2s"], got["k_s2c"] = th, kc, ks
    got["prk"] = L.hkdf_extract(salt, got["shared"])
    got["server_auth_sig"] = L.auth_sign(sid, th)
    got["server_auth_plaintext"] = L.encode_s2c(L.SERVER_AUTH, sig=got["server_auth_sig"])
    got["client_auth_sig"] = L.client_auth_sign(cid, th)
    got["client_auth_plaintext"] = L.encode_c2s(L.CLIENT_AUTH, key=got["Ci"], sig=got["client_auth_sig"])
    got["join_plaintext"] = L.encode_c2s(L.JOIN, name="alice")
    me = [("alice", got["Ci"])]
    got["welcome_plaintext"] = L.encode_s2c(L.WELCOME, name="alice", server="office-pc", motd="hi",
                                            rate=10000, burst=20, members=me)
    tx, rx = L.Channel(kc), L.Channel(ks)
    got["server_auth_record"] = rx.seal(got["server_auth_plaintext"])
    got["client_auth_record"] = tx.seal(got["client_auth_plaintext"])
    got["join_record"] = tx.seal(got["join_plaintext"])
    got["welcome_record"] = rx.seal(got["welcome_plaintext"])
    t = 1700000000000
    got["joined_plaintext"] = L.encode_s2c(L.JOINED, time=t, member=me[0])
    got["left_plaintext"] = L.encode_s2c(L.LEFT, time=t, name="alice", reason="", message="see you")
    got["roster_plaintext"] = L.encode_s2c(L.ROSTER, members=me)
    got["bye_plaintext"] = L.encode_c2s(L.C_BYE, message="see you")
    nonce = bytes([5]) * 32
    got["discovery_request"] = L.discovery_request(nonce)[0]
    got["discovery_reply"] = L.discovery_reply(sid, nonce, 5000, "office-pc")
    got["discovery_sig"] = got["discovery_reply"][43:107]
    for k in sorted(V):
        if k in got:
            R.check("§9.2 %s" % k, got[k] == V[k], "page %s, ours %s" % (V[k].hex(), got[k].hex()))
        elif not k.endswith("_private") and k not in ("salt", "identity_seed", "client_identity_seed",
                                                      "discovery_nonce"):
            R.check("§9.2 %s recomputed" % k, False, "no recomputation for it")
    R.check("§9.2 every value on the page is recomputed", set(got) <= set(V),
            "ours but not on the page: %s" % sorted(set(got) - set(V)))
    # frame headers named in §9.1
    hdr = {"server_hello": "00000068", "client_hello": "00000028", "server_auth_record": "00000051",
           "client_auth_record": "00000071", "join_record": "00000018", "welcome_record": "00000058"}
    R.check("§9.1 frame headers", all(struct.pack(">I", len(got[k])).hex() == v for k, v in hdr.items()),
            {k: struct.pack(">I", len(got[k])).hex() for k in hdr})
    R.check("§9.2 fingerprint(Si)", L.fingerprint(got["Si"]) == page_fp, L.fingerprint(got["Si"]))
    der = bytes.fromhex("302e020100300506032b657004220420") + bytes([4]) * 32
    R.check("§9.2 identity file", base64.b64encode(der).decode() == page_pem, page_pem)
    # the decoded forms round-trip
    for k, dec in (("welcome_plaintext", L.decode_s2c), ("joined_plaintext", L.decode_s2c),
                   ("left_plaintext", L.decode_s2c), ("roster_plaintext", L.decode_s2c),
                   ("bye_plaintext", L.decode_c2s), ("client_auth_plaintext", L.decode_c2s)):
        m = dec(V[k])
        tbl = L.S2C if dec is L.decode_s2c else L.C2S
        mtype = [t for t, (n, _) in tbl.items() if n == m["type"] and t == V[k][0]][0]
        enc = (L.encode_s2c if dec is L.decode_s2c else L.encode_c2s)(
            mtype, **{f: v for f, v in m.items() if f != "type"})
        R.check("§9.2 %s decodes and re-encodes" % k, enc == V[k], repr(m))
    R.check("§2.5 Ci of RFC 8032 TEST 1 is a valid key", L.ed25519_key_problem(got["Ci"]) is None, "")
    sys.exit(R.summary())


if __name__ == "__main__":
    main()
