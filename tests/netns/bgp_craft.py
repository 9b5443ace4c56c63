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


def t5(plen):
    v = RD + bytes(10) + bytes(4) + bytes([plen]) + bytes([10, 1, 0, 0]) + bytes(4) + b"\x00\x00\x64"
    return bytes([5, len(v)]) + v


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
