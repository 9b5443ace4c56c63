#!/usr/bin/env python3
"""bgp_craft.py CASE - print the UPDATE body (hex, one message per line) of a
crafted, mostly malformed, EVPN UPDATE for tests/netns/test-malformed.sh;
`bgp_craft.py --list` lists the cases.  Each case announces MACs
02:cc:00:00:00:NN so that its effect can be told from the good routes.
Built by hand on purpose: the project's encoder refuses to write these."""
import struct
import sys

RD = bytes.fromhex("00010aff00640001")            # 10.255.0.100:1
NH = bytes.fromhex("0aff0064")                    # 10.255.0.100


def attr(flags, typ, value):
    if len(value) > 255 or flags & 0x10:
        return struct.pack("!BBH", flags | 0x10, typ, len(value)) + value
    return struct.pack("!BBB", flags, typ, len(value)) + value


ORIGIN = attr(0x40, 1, b"\x00")
AS_PATH = attr(0x40, 2, b"")
LOCAL_PREF = attr(0x40, 5, struct.pack("!I", 100))
RT = attr(0xc0, 16, bytes.fromhex("0002fde800000064"))     # RT:65000:100
ENCAP = bytes.fromhex("030c000000000008")                  # ET:8


def t2(n, mac_len=48, ip=None):
    mac = bytes([0x02, 0xcc, 0, 0, 0, n])
    v = RD + bytes(10) + bytes(4) + bytes([mac_len]) + mac
    v += bytes([32]) + bytes(ip) if ip else b"\x00"
    v += b"\x00\x00\x64"                                   # label = VNI 100
    return bytes([2, len(v)]) + v


def t2_iplen(n, iplen, ip):
    """Type-2 whose IP length field is iplen, followed by the octets ip."""
    v = RD + bytes(10) + bytes(4) + bytes([48, 0x02, 0xcc, 0, 0, 0, n])
    v += bytes([iplen]) + bytes(ip) + b"\x00\x00\x64"
    return bytes([2, len(v)]) + v


def t3(orig=NH, tail=b"", cut=0):
    """Type-3 IMET (RFC 7432 7.3) from orig, route length off by tail/cut."""
    v = RD + bytes(4) + bytes([len(orig) * 8]) + orig + tail
    v = v[:len(v) - cut]
    return bytes([3, len(v)]) + v


def t5(plen, v6=False, tail=b"", cut=0):
    n = 16 if v6 else 4
    pfx = bytes([10, 1]) + bytes(n - 2)
    v = RD + bytes(10) + bytes(4) + bytes([plen]) + pfx + bytes(n) + b"\x00\x00\x64" + tail
    v = v[:len(v) - cut]
    return bytes([5, len(v)]) + v


def pmsi(flags=0xc0, ttype=6, tid=NH):
    """PMSI Tunnel (RFC 6514 5): attribute flags, tunnel type, label VNI 100."""
    return attr(flags, 22, b"\x00" + bytes([ttype]) + b"\x00\x00\x64" + tid)


def message(typ, body):
    """A whole BGP message (marker, length, type), for OPENs and bad headers."""
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), typ) + body


def open_msg(params, optlen=None):
    """OPEN from AS 65000, hold 90, id 10.9.0.1 with raw optional parameters."""
    body = struct.pack("!BHH4s", 4, 65000, 90, bytes([10, 9, 0, 1]))
    body += bytes([len(params) if optlen is None else optlen]) + params
    return message(1, body)


CAP_MP_EVPN = bytes.fromhex("0104 0019 0046")      # multiprotocol L2VPN/EVPN
CAP_AS4 = bytes.fromhex("4104 0000fde8")           # 4-octet AS 65000


def mp_reach(nlri, nh=NH, afi=25, safi=70):
    return attr(0x90, 14, struct.pack("!HBB", afi, safi, len(nh)) + nh + b"\x00" + nlri)


def mp_unreach(nlri, afi=25, safi=70):
    return attr(0x90, 15, struct.pack("!HB", afi, safi) + nlri)


def update(attrs, withdrawn=b"", nlri=b""):
    return (struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(attrs)) +
            attrs + nlri)


def good(nlri, extra=b"", rt=RT):
    return update(mp_reach(nlri) + ORIGIN + AS_PATH + LOCAL_PREF + rt + extra)


CASES = {
    # name: (description, [bodies])
    "ecomm-len": ("extended communities length 7 (RFC 7606 7.14): treat-as-withdraw",
                  [good(t2(1)), update(mp_reach(t2(1)) + ORIGIN + AS_PATH + LOCAL_PREF +
                                       attr(0xc0, 16, bytes(7)))]),
    "aggregator": ("AGGREGATOR of 3 octets (7606 7.7): attribute discard, route kept",
                   [good(t2(2), attr(0xc0, 7, b"\x00\x01\x02"))]),
    "unknown-type": ("unknown EVPN route type 9 before a valid route: that NLRI only is skipped",
                     [good(bytes([9, 4, 1, 2, 3, 4]) + t2(3))]),
    "mac-len": ("Type-2 with MAC length 47: malformed NLRI, session stays",
                [good(t2(4, mac_len=47))]),
    "t5-plen": ("Type-5 IPv4 prefix length 33 (FRR issue 22353): malformed NLRI",
                [good(t5(33))]),
    "missing-wk": ("reachability without ORIGIN (7606 3 d): treat-as-withdraw",
                   [good(t2(5)), update(mp_reach(t2(5)) + AS_PATH + LOCAL_PREF + RT)]),
    "originator": ("ORIGINATOR_ID of 3 octets on iBGP (7606 7.9): treat-as-withdraw",
                   [good(t2(6)), update(mp_reach(t2(6)) + ORIGIN + AS_PATH + LOCAL_PREF + RT +
                                        attr(0x80, 9, b"\x01\x02\x03"))]),
    "cluster": ("CLUSTER_LIST of 5 octets (7606 7.10): treat-as-withdraw",
                [good(t2(7)), update(mp_reach(t2(7)) + ORIGIN + AS_PATH + LOCAL_PREF + RT +
                                     attr(0x80, 10, bytes(5)))]),
    "pmsi": ("PMSI tunnel of 3 octets: treat-as-withdraw",
             [good(t2(8)), update(mp_reach(t2(8)) + ORIGIN + AS_PATH + LOCAL_PREF + RT +
                                  attr(0xc0, 22, b"\x00\x06\x00"))]),
    "short-nexthop": ("NEXT_HOP of 2 octets, no classic NLRI (GoBGP CVE-2026-30405): discarded",
                      [good(t2(9), attr(0x40, 3, b"\x0a\x00"))]),
    "ipv6-ecomm": ("truncated IPv6 extended community, 10 octets (GoBGP CVE-2026-37461): "
                   "unknown optional transitive, kept, no harm",
                   [good(t2(10), attr(0xc0, 25, bytes(10)))]),
    "several": ("AGGREGATOR and extended-community errors in one UPDATE: the strongest "
                "(treat-as-withdraw) wins",
                [good(t2(11)), update(mp_reach(t2(11)) + ORIGIN + AS_PATH + LOCAL_PREF +
                                      attr(0xc0, 7, b"\x01") + attr(0xc0, 16, bytes(9)))]),
    "eor-other-af": ("empty MP_UNREACH for IPv4 unicast: End-of-RIB of another family, ignored",
                     [update(mp_unreach(b"", afi=1, safi=1))]),
    "nlri-overrun": ("EVPN route length past the end of the NLRI: framing lost, session reset",
                     [good(bytes([2, 40]) + bytes(10))]),
    "dup-mp-reach": ("MP_REACH_NLRI twice (7606 3 g): session reset",
                     [update(mp_reach(t2(12)) + mp_reach(t2(13)) + ORIGIN + AS_PATH + LOCAL_PREF + RT)]),
    "nexthop-len": ("MP_REACH next-hop length 5 for EVPN (7606 7.11): session reset",
                    [update(mp_reach(t2(14), nh=bytes(5)) + ORIGIN + AS_PATH + LOCAL_PREF + RT)]),
    "unreach-trunc": ("MP_UNREACH_NLRI of 2 octets (truncated): session reset",
                      [update(attr(0x90, 15, b"\x00\x19"))]),
    "attr-overrun": ("an attribute longer than the attribute area, no NLRI to withdraw: reset",
                     [struct.pack("!HH", 0, 4) + bytes([0x40, 1, 9, 0])]),
    "t2-iplen33": ("Type-2 with IP length 33 (RFC 7432 7.2: 0, 32 or 128): no key, "
                   "NLRI discarded, the next route kept",
                   [good(t2_iplen(15, 33, bytes([172, 17, 0, 1, 0])) + t2(16))]),
    "t3-short": ("Type-3 IPv4 route length 16 (1 short): no key, discarded; a good "
                 "Type-3 and Type-2 after it kept",
                 [good(t3(cut=1) + t3() + t2(17), pmsi())]),
    "t3-long": ("Type-3 IPv4 route length 18 (1 long): key built, treated as withdraw "
                "of the good Type-3 announced before",
                [good(t3(), pmsi()), good(t3(tail=b"\x00") + t2(18), pmsi())]),
    "t5-len": ("Type-5 route lengths 35 and 57 (RFC 9136 3.1: 34 or 58): discarded",
               [good(t5(24, tail=b"\x00") + t5(64, v6=True, cut=1) + t2(19))]),
    "pmsi-flags": ("PMSI tunnel with flags 0x40 (well-known, not optional transitive; "
                   "7606 3 c): treat-as-withdraw",
                   [good(t2(20)), good(t2(20), pmsi(flags=0x40))]),
    "pmsi-type": ("PMSI tunnel with unknown tunnel type 0x42 on a Type-3: "
                  "well-formed, no error",
                  [good(t3() + t2(21), pmsi(ttype=0x42, tid=bytes(4)))]),
    "origin-flags": ("ORIGIN with the optional bit set (7606 3 c): treat-as-withdraw",
                     [good(t2(22)), update(mp_reach(t2(22)) + attr(0xc0, 1, b"\x00") +
                                           AS_PATH + LOCAL_PREF + RT)]),
    "tunnel-encap": ("CVE-2023-38802: Tunnel Encapsulation (23) whose TLV length runs "
                     "past the attribute: unknown optional transitive to evpnd, route kept",
                     [good(t2(23), attr(0xc0, 23, bytes.fromhex("0008 0040 01020304")))]),
    "mp-reach-3": ("CVE-2023-46752: MP_REACH_NLRI of 3 octets (AFI/SAFI only, 7606 7.11): "
                   "session reset",
                   [update(attr(0x90, 14, bytes.fromhex("001946")) + ORIGIN + AS_PATH +
                           LOCAL_PREF + RT)]),
    "mp-reach-nhlen": ("CVE-2023-46752: MP_REACH next-hop length 64 past the attribute: "
                       "session reset",
                       [update(attr(0x90, 14, struct.pack("!HBB", 25, 70, 64) + NH + b"\x00" +
                                    t2(24)) + ORIGIN + AS_PATH + LOCAL_PREF + RT)]),
    "no-mandatory": ("CVE-2023-46753: only an unknown optional transitive attribute, no "
                     "NLRI: ignored, session stays",
                     [update(attr(0xc0, 0xf0, b"\x01\x02\x03")), good(t2(25))]),
    "unreach-classic": ("CVE-2023-47234: MP_UNREACH (an EVPN withdraw) + classic NLRI, no "
                        "mandatory attributes: withdraw processed, treat-as-withdraw",
                        [good(t2(26)), update(mp_unreach(t2(26)), nlri=bytes([24, 10, 1, 1]))]),
    "eor-bad-origin": ("CVE-2023-47235: empty EVPN MP_UNREACH + ORIGIN of 2 octets: not an "
                       "End-of-RIB, treat-as-withdraw of nothing",
                       [update(mp_unreach(b"") + attr(0x40, 1, b"\x00\x00")), good(t2(27))]),
    "msg-oversized": ("a message of 5000 octets without the Extended Message capability "
                      "(RFC 4271 6.1, RFC 8654 4): NOTIFICATION 1/2, counted input-oversized",
                      [message(2, update(b"") + bytes(5000 - 23))]),
    # OPENs (bgp_blast -O): whole messages sent instead of bgp_blast's own OPEN
    "open-cap-overrun": ("FRR CVE-2022-40302 style: a capability length (10) past its "
                         "optional parameter: NOTIFICATION 2/0",
                         [open_msg(b"\x02\x08" + CAP_MP_EVPN + b"\x41\x0a")]),
    "open-ext-overrun": ("FRR CVE-2022-40318 style: RFC 9072 extended parameters (255/255) "
                         "whose length word runs past the OPEN: NOTIFICATION 2/0",
                         [open_msg(b"\xff\x00\x40\x02\x00\x06" + CAP_MP_EVPN, optlen=255)]),
    "open-len-octet": ("FRR CVE-2022-43681: the OPEN ends with a parameter's length octet: "
                       "NOTIFICATION 2/0",
                       [open_msg(b"\x02\x06" + CAP_MP_EVPN + b"\x02\x08")]),
}

if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        for k, (d, _) in CASES.items():
            print("%s\t%s" % (k, d))
        sys.exit(0)
    desc, bodies = CASES[sys.argv[1]]
    print("# " + desc)
    for b in bodies:
        print(b.hex())
