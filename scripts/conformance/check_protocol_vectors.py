#!/usr/bin/env python3
"""Recomputes every value of docs/protocol.md §9 with lanchat_ref.py and compares.

    python3 scripts/conformance/check_protocol_vectors.py [--doc docs/protocol.md]

The values are read from the page's §9.2 block, so a change of either the page
or lanchat_ref.py that breaks the agreement fails here.
"""
import argparse
import base64
import hashlib
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


def doc_text(doc):
    return open(doc, encoding="utf-8").read()


def run_section_4_examples(R, text):
    """The encoded examples in the prose of §4.3."""
    sec = text[text.index("### 4.3 Server to client"):text.index("### 4.4")]
    m = re.search(r"first id 5, head\s+`11…11`, time 1.*?is, in\s+hex, `([^`]+)`", sec, re.S)
    want = m.group(1).replace("\n", " ") if m else ""
    want = re.sub(r"<32 bytes (\w\w)>", lambda g: g.group(1) * 32, want).replace(" ", "")
    got = L.encode_s2c(L.MEMBERS_CHANGED, room="#g", first_id=5, head=bytes([0x11]) * 32, time=1,
                       changes=[("enter", ("b", bytes([7]) * 32)), ("leave", bytes([9]) * 32, "c", "", "x")])
    R.check("§4.3 MEMBERS_CHANGED example (#g, first id 5)", m is not None and got.hex() == want,
            "page %s, ours %s" % (want, got.hex()))
    ex = {"JOIN": (L.encode_c2s(L.JOIN, name="alice"), "10 0005 616c696365"),
          "ERROR": (L.encode_s2c(L.ERROR, code=1, text="taken"), "27 0001 0005 74616b656e"),
          "ENTER": (L.encode_c2s(L.ENTER, room="#general", since=0), "40 0008 2367656e6572616c 0000000000000000 00")}
    flat = re.sub(r"\s+", " ", sec)
    for k, (b, hx) in ex.items():
        R.check("§4.3 example %s `%s`" % (k, hx), b.hex() == hx.replace(" ", "") and
                ("`" + hx.replace(" ", " ") in flat or hx in flat), b.hex())


def run_batch_examples(R, text):
    """§5.13: BATCH_OK is `47`; the BATCH of PONG 1 and PONG 2, read from the page, decodes
    strictly to those two PONGs and re-encodes to the same bytes; the shapes the page calls
    malformed are refused."""
    sec = re.sub(r"\s+", " ", text[text.index("### 5.13 Batches"):text.index("## 6.")])
    m = re.search(r"A BATCH of PONG 1 and PONG 2 is, in hex, `([^`]+)`", sec)
    hx = m.group(1).replace(" ", "") if m else ""
    try:
        got = L.decode_s2c(bytes.fromhex(hx))
        msgs = got["messages"]
    except Exception as e:  # noqa
        got, msgs = e, []
    want = L.encode_batch([L.encode_s2c(L.PONG, token=1), L.encode_s2c(L.PONG, token=2)])
    R.check("§5.13 example BATCH of PONG 1 and PONG 2 decodes strictly to them and re-encodes",
            m is not None and msgs == [{"type": "PONG", "token": 1}, {"type": "PONG", "token": 2}]
            and want.hex() == hx, "page %s, ours %s, decoded %r" % (hx, want.hex(), got))
    R.check("§5.13 example BATCH_OK `47`", L.encode_c2s(L.BATCH_OK) == b"\x47" and "in hex `47`" in sec,
            L.encode_c2s(L.BATCH_OK).hex())
    pong = L.encode_s2c(L.PONG, token=1)
    bad = {"no message": b"\x37", "length 0": b"\x37\x00\x00",
           "length past the end": b"\x37\x00\x0a" + pong,
           "a lone length byte after the last message": L.encode_batch([pong]) + b"\x00",
           "a message with a trailing byte": L.encode_batch([pong + b"\x00"]),
           "a nested BATCH": L.encode_batch([pong, L.encode_batch([pong])]),
           "KEY_UPDATE inside": L.encode_batch([pong, b"\x2c"]),
           "SERVER_AUTH inside": L.encode_batch([L.encode_s2c(L.SERVER_AUTH, sig=bytes(64)), pong]),
           "a client type inside": L.encode_batch([pong, L.encode_c2s(L.PING, token=1)])}
    refused = {}
    for k, b in bad.items():
        try:
            L.decode_s2c(b)
            refused[k] = False
        except L.ProtocolError:
            refused[k] = True
    R.check("§5.13 reference unpacker refuses the malformed BATCH shapes (%d)" % len(bad), all(refused.values()),
            repr(refused))


def run_chain_self_test(R, V):
    """lanchat_ref.Chains must be able to fail: a changed head, a gap, a repeat and a skip."""
    evs = [L.decode_s2c(V[k]) for k in ("joined_plaintext", "message_plaintext", "action_plaintext",
                                        "topic_plaintext", "renamed_plaintext", "left_plaintext")]
    c = L.Chains()
    bad = dict(evs[1], head=bytes(32))
    out = [c.event(dict(evs[0])), c.event(bad), c.event(dict(evs[3])), c.event(dict(evs[3]))]
    c2 = L.Chains()
    c2.event(dict(evs[0]))
    c2.entered("#general", 1, 2)
    out2 = [c2.event(dict(evs[3])), c2.event(dict(evs[4]))]
    R.check("room chain checker: a changed head -> mismatch, a missing id -> gap, a repeat -> out of order, "
            "an announced skip -> started, then extended",
            out == ["extended", "mismatch", "gap", "out of order"] and out2 == ["started", "extended"],
            "%r %r" % (out, out2))


def run_key_update_vectors(R, text):
    """The worked example of the page's "Key update" section."""
    sec = text[text.index("## Key update"):text.index("## Room chain")]
    block = sec[sec.index("```text") + 7:]
    block = block[:block.index("```")]
    V = {m.group(1): bytes.fromhex(m.group(2)) for m in re.finditer(r"^(\w+):\s+([0-9a-f]+)\s*$", block, re.M)}
    k = bytes([7]) * 32
    ch = L.Channel(k)
    ch.seq = 2
    got = {"key_before": k, "key_update_plaintext": bytes([L.KEY_UPDATE_C2S])}
    got["key_update_record"] = ch.seal(bytes([L.KEY_UPDATE_C2S]))
    ch.update()
    got["key_after"] = ch.key
    got["first_plaintext_after"] = L.encode_c2s(L.PING, token=1)
    got["first_record_after"] = ch.seal(got["first_plaintext_after"])
    got["second_key_update_record"] = ch.seal(bytes([L.KEY_UPDATE_C2S]))
    ch.update()
    got["key_after_second_update"] = ch.key
    R.check("Key update: the block lists exactly the recomputed values", sorted(V) == sorted(got), sorted(V))
    for name in got:
        R.check("Key update %s" % name, V.get(name) == got[name],
                "page %s, ours %s" % (V.get(name, b"").hex(), got[name].hex()))


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
    ci = got["Ci"]
    got["welcome_plaintext"] = L.encode_s2c(L.WELCOME, name="alice", server="office-pc", motd="hi",
                                            rate=10000, burst=20, max_rooms=20)
    tx, rx = L.Channel(kc), L.Channel(ks)
    got["server_auth_record"] = rx.seal(got["server_auth_plaintext"])
    got["client_auth_record"] = tx.seal(got["client_auth_plaintext"])
    got["join_record"] = tx.seal(got["join_plaintext"])
    got["welcome_record"] = rx.seal(got["welcome_plaintext"])
    # §9.1: room events of "#general" at time 1,700,000,000,000, sender Ci, chained from genesis
    t, room = 1700000000000, "#general"
    head = L.genesis(room)
    events = [("joined_plaintext", L.JOINED, L.enc_member(("alice", ci))),
              ("message_plaintext", L.MESSAGE, L.enc_str("alice") + L.enc_str("hello\nworld")),
              ("action_plaintext", L.ACTION, L.enc_str("alice") + L.enc_str("waves")),
              ("topic_plaintext", L.S_TOPIC, L.enc_str("alice") + L.enc_str("lunch at noon")),
              ("renamed_plaintext", L.RENAMED, L.enc_str("alice") + L.enc_str("al")),
              ("left_plaintext", L.LEFT, L.enc_str("al") + L.enc_str("parted") + L.enc_str("see you"))]
    for eid, (k, etype, payload) in enumerate(events, 1):
        head = hashlib.sha256(b"lanchat v2 room chain" + head + L.canonical(ci, room, eid, t, etype, payload)).digest()
        got[k] = bytes([etype]) + L.enc_envelope(room, eid, head, t, ci) + payload
    # the same six through the codec's named fields
    named = {"joined_plaintext": (L.JOINED, {"member": ("alice", ci)}),
             "message_plaintext": (L.MESSAGE, {"from": "alice", "text": "hello\nworld"}),
             "action_plaintext": (L.ACTION, {"from": "alice", "text": "waves"}),
             "topic_plaintext": (L.S_TOPIC, {"by": "alice", "topic": "lunch at noon"}),
             "renamed_plaintext": (L.RENAMED, {"old": "alice", "new": "al"}),
             "left_plaintext": (L.LEFT, {"name": "al", "reason": "parted", "message": "see you"})}
    chain = L.Chains()
    for k, (etype, fields) in named.items():
        d = L.decode_s2c(V[k])
        ok = L.encode_s2c(etype, envelope=d, **fields) == V[k] and chain.event(d) == "extended"
        R.check("§9.2 %s: codec re-encodes it from its fields, and its head extends the chain" % k, ok, repr(d))
    # events 7 and 8 in one MEMBERS_CHANGED: ("al", Ci) enters, then (Ci, "al") leaves with "" and ""
    p7 = L.enc_member(("al", ci))
    p8 = L.enc_str("al") + L.enc_str("") + L.enc_str("")
    h7 = hashlib.sha256(b"lanchat v2 room chain" + head + L.canonical(ci, room, 7, t, L.JOINED, p7)).digest()
    h8 = hashlib.sha256(b"lanchat v2 room chain" + h7 + L.canonical(ci, room, 8, t, L.LEFT, p8)).digest()
    got["members_changed_plaintext"] = (bytes([L.MEMBERS_CHANGED]) + L.enc_str(room) + struct.pack(">Q", 7) + h8
                                        + struct.pack(">QH", t, 2) + b"\x01" + p7 + b"\x02" + ci + p8)
    mc = L.decode_s2c(V["members_changed_plaintext"])
    evs = L.expand_members_changed(mc)
    outs = [chain.event(e) for e in evs]
    R.check("§9.2 members_changed_plaintext: events 7 and 8 chain on from event 6; the computed head of 7 "
            "leads to the head sent", outs == ["extended", "extended"] and evs[0]["head"] == h7 and not chain.issues,
            "%r %r" % (outs, chain.issues))
    R.check("§9.2 members_changed_plaintext re-encodes from its fields",
            L.encode_s2c(L.MEMBERS_CHANGED, room=room, first_id=7, head=h8, time=t,
                         changes=[("enter", ("al", ci)), ("leave", ci, "al", "", "")]) == V["members_changed_plaintext"], "")
    got["roster_plaintext"] = L.encode_s2c(L.ROSTER, room=room, more=0, entries=[(("alice", ci), "")])
    got["entered_plaintext"] = L.encode_s2c(L.ENTERED, room=room, topic="lunch at noon", members=2, history=1,
                                            skipped=0, flags=0)
    got["dm_echo_plaintext"] = L.encode_s2c(L.S_DM, time=t, to="bob", text="psst", status=2, note="lunch",
                                            **{"from": "alice"})
    got["room_list_plaintext"] = L.encode_s2c(L.ROOM_LIST, rooms=[(room, 2, "lunch at noon", 0)])
    got["enter_plaintext"] = L.encode_c2s(L.ENTER, room=room, since=0, flags=0)
    got["say_plaintext"] = L.encode_c2s(L.SAY, id=1, room=room, text="hello\nworld")
    got["me_plaintext"] = L.encode_c2s(L.ME, id=2, room=room, text="waves")
    got["dm_plaintext"] = L.encode_c2s(L.C_DM, id=3, to="bob", text="psst")
    got["who_plaintext"] = L.encode_c2s(L.WHO, room=room)
    got["topic_set_plaintext"] = L.encode_c2s(L.C_TOPIC, room=room, topic="lunch at noon")
    got["nick_plaintext"] = L.encode_c2s(L.NICK, name="al")
    got["away_plaintext"] = L.encode_c2s(L.AWAY, text="lunch")
    got["part_plaintext"] = L.encode_c2s(L.PART, room=room, message="see you")
    got["rooms_plaintext"] = L.encode_c2s(L.ROOMS)
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
           "client_auth_record": "00000071", "join_record": "00000018", "welcome_record": "00000031"}
    R.check("§9.1 frame headers", all(struct.pack(">I", len(got[k])).hex() == v for k, v in hdr.items()),
            {k: struct.pack(">I", len(got[k])).hex() for k in hdr})
    R.check("§9.2 fingerprint(Si)", L.fingerprint(got["Si"]) == page_fp, L.fingerprint(got["Si"]))
    der = bytes.fromhex("302e020100300506032b657004220420") + bytes([4]) * 32
    R.check("§9.2 identity file", base64.b64encode(der).decode() == page_pem, page_pem)
    # every plaintext decodes strictly and re-encodes to its exact bytes
    for k in sorted(V):
        if not k.endswith("_plaintext"):
            continue
        c2s = V[k][0] in L.C2S and V[k][0] not in L.S2C
        dec, enc, tbl = (L.decode_c2s, L.encode_c2s, L.C2S) if c2s else (L.decode_s2c, L.encode_s2c, L.S2C)
        try:
            m = dec(V[k])
            fields = {f: v for f, v in m.items() if f not in ("type", "payload", "etype")}
            if "sender" in m:
                fields = {f: v for f, v in fields.items() if f not in L.ENVELOPE_FIELDS}
                fields["envelope"] = m
            if m["type"] == "MEMBERS_CHANGED":
                fields["changes"] = [("enter", c["member"]) if c["tag"] == 1 else
                                     ("leave", c["sender"], c["name"], c["reason"], c["message"]) for c in m["changes"]]
            ok = enc(V[k][0], **fields) == V[k]
        except Exception as e:  # noqa
            ok, m = False, e
        R.check("§9.2 %s decodes strictly and re-encodes" % k, ok, repr(m))
    run_chain_self_test(R, V)
    run_section_4_examples(R, doc_text(a.doc))
    run_key_update_vectors(R, doc_text(a.doc))
    run_batch_examples(R, doc_text(a.doc))
    R.check("§2.5 Ci of RFC 8032 TEST 1 is a valid key", L.ed25519_key_problem(got["Ci"]) is None, "")
    sys.exit(R.summary())


if __name__ == "__main__":
    main()
