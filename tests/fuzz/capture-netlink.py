#!/usr/bin/env python3
"""capture-netlink.py OUTDIR: seed corpus of fuzz_netlink from a real kernel.

Run as root.  Builds a namespace (NS, default nlcap-$$) with what a VTEP has
(bridges, VXLAN devices with neigh_suppress, an SVI with addresses, flood
entries, remote and local MACs, neighbours, evpnd-style routes, ECMP, IPv6),
dumps links, addresses, FDB, neighbours and routes over NETLINK_ROUTE,
records the events of a few changes, and writes corpus files in
fuzz_netlink's format: one mode octet, then each datagram as a 16-bit length
(network order) and its bytes.  The namespace is deleted afterwards.
"""
import os
import socket
import struct
import subprocess
import sys

NS = os.environ.get("NS", "nlcap-%d" % os.getpid())
RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH = 18, 22, 26, 30
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2
AF_UNSPEC, AF_INET, AF_BRIDGE, AF_INET6 = 0, 2, 7, 10
GROUPS = [1, 3, 5, 7, 9, 11]  # LINK NEIGH IPV4_IFADDR IPV4_ROUTE IPV6_IFADDR IPV6_ROUTE
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1

SETUP = """
ip link set lo up
ip link add br100 type bridge
ip link add vxlan100 type vxlan id 100 local 10.0.0.11 dstport 4789 nolearning
ip link set vxlan100 master br100
bridge link set dev vxlan100 neigh_suppress on learning off
ip link add veth-h type veth peer name veth-p
ip link set veth-h master br100
ip link set br100 address 02:00:00:00:01:00
ip addr add 172.16.0.1/24 dev br100
ip addr add fd00:16::1/64 dev br100
ip link add br5000 type bridge
ip link add vxlan5000 type vxlan id 5000 local 10.0.0.11 dstport 4789 nolearning
ip link set vxlan5000 master br5000
ip link add vxlan200 type vxlan id 200 local fd00::11 dstport 4789 nolearning
ip link add dummyless type bridge
ip link set vxlan200 master dummyless
ip addr add 10.0.0.11/32 dev lo
for d in br100 vxlan100 veth-h veth-p br5000 vxlan5000 vxlan200 dummyless; do ip link set $d up; done
bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.0.0.12 self permanent
bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.0.0.13 self permanent
bridge fdb add 02:00:00:00:00:12 dev vxlan100 master extern_learn
bridge fdb add 02:00:00:00:00:12 dev vxlan100 dst 10.0.0.12 self extern_learn
bridge fdb add 02:00:00:00:00:13 dev vxlan100 master static sticky
bridge fdb add 02:00:00:00:00:13 dev vxlan100 dst 10.0.0.13 self static sticky
bridge fdb add 02:00:00:00:00:01 dev veth-h master dynamic
bridge fdb add 02:00:00:00:00:02 dev veth-h master static
bridge fdb add 02:00:00:00:00:03 dev veth-h master vlan 10 static
ip neigh add 172.16.0.12 lladdr 02:00:00:00:00:12 dev br100 extern_learn nud noarp
ip neigh add 172.16.0.2 lladdr 02:00:00:00:00:01 dev br100 nud reachable
ip neigh add fd00:16::2 lladdr 02:00:00:00:00:02 dev br100 nud stale
ip route add 192.168.0.0/16 via 172.16.0.254 dev br100
ip route add 10.2.0.0/24 via 10.0.0.12 dev br5000 proto 181 metric 20 onlink
ip route add 10.3.0.0/24 proto 181 metric 20 nexthop via 10.0.0.12 dev br5000 onlink nexthop via 10.0.0.13 dev br5000 onlink
ip route add 10.4.0.0/24 via 10.0.0.12 dev br5000 proto 181 metric 20 onlink table 1001
ip -6 route add fd00:2::/64 via ::ffff:10.0.0.12 dev br5000 proto 181 metric 20 onlink
ip -6 route add fd00:3::/64 proto 181 metric 20 nexthop via ::ffff:10.0.0.12 dev br5000 onlink nexthop via ::ffff:10.0.0.13 dev br5000 onlink
ip -6 route add fd00:99::/48 via fd00:16::254 dev br100
"""

CHANGES = """
bridge fdb del 00:00:00:00:00:00 dev vxlan100 dst 10.0.0.13 self
bridge fdb replace 02:00:00:00:00:12 dev vxlan100 dst 10.0.0.99 self extern_learn
bridge fdb del 02:00:00:00:00:12 dev vxlan100 master
bridge fdb add 02:00:00:00:00:12 dev veth-h master dynamic
ip neigh replace 172.16.0.12 lladdr 02:00:00:00:00:99 dev br100 nud reachable
ip neigh del fd00:16::2 dev br100
ip route del 10.2.0.0/24 proto 181 metric 20
ip -6 route del fd00:3::/64 proto 181 metric 20
ip addr del 172.16.0.1/24 dev br100
bridge link set dev vxlan100 neigh_suppress off
ip link set vxlan100 nomaster
ip link set br100 down
ip link del veth-h
"""


def sh(script):
    for line in script.strip().splitlines():
        if subprocess.run(["sh", "-c", line]).returncode:
            print("capture-netlink: failed (kept going): " + line, file=sys.stderr)


def dump(s, seq, typ, family):
    hdr = {RTM_GETLINK: 16, RTM_GETNEIGH: 12, RTM_GETROUTE: 12}.get(typ, 8)
    body = bytes([family]) + bytes(hdr - 1)
    s.send(struct.pack("=IHHII", 16 + hdr, typ, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body)
    out = []
    while True:
        d = s.recv(65535)
        out.append(d)
        if any(t in (NLMSG_DONE, NLMSG_ERROR) for t in msg_types(d)):
            return out


def msg_types(d):
    at = 0
    while at + 16 <= len(d):
        ln, typ = struct.unpack_from("=IH", d, at)
        yield typ
        if ln < 16:
            return
        at += (ln + 3) & ~3


def events(s):
    s.setblocking(False)
    out = []
    while True:
        try:
            out.append(s.recv(65535))
        except BlockingIOError:
            return out


# Link attributes evpnd reads, and a few more; the rest (statistics, AF_SPEC
# with every inet6 setting) is most of a link message's size.
LINK_KEEP = {1, 2, 3, 4, 5, 10, 12, 16, 18}


def trim_msg(m):
    ln, typ = struct.unpack_from("=IH", m)
    if typ not in (16, 17):  # RTM_NEWLINK, RTM_DELLINK
        return m
    out, at = bytearray(m[:32]), 32  # nlmsghdr + ifinfomsg
    while at + 4 <= ln:
        alen, atype = struct.unpack_from("=HH", m, at)
        if alen < 4:
            break
        if (atype & 0x3FFF) in LINK_KEEP:
            out += m[at:at + alen] + bytes(((alen + 3) & ~3) - alen)
        at += (alen + 3) & ~3
    struct.pack_into("=I", out, 0, len(out))
    return bytes(out)


def trim(dgrams):
    res = []
    for d in dgrams:
        out, at = b"", 0
        while at + 16 <= len(d):
            ln = struct.unpack_from("=I", d, at)[0]
            if ln < 16:
                break
            out += trim_msg(d[at:at + ln])
            at += (ln + 3) & ~3
        res.append(out)
    return res


def write(outdir, name, mode, dgrams):
    data = bytes([mode]) + b"".join(struct.pack(">H", len(d)) + d for d in dgrams)
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def capture():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    ev.bind((0, 0))
    for g in GROUPS:
        ev.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g)
    links = dump(s, 1, RTM_GETLINK, AF_UNSPEC) + dump(s, 2, RTM_GETLINK, AF_BRIDGE)
    addrs = dump(s, 3, RTM_GETADDR, AF_UNSPEC)
    fdb = dump(s, 4, RTM_GETNEIGH, AF_BRIDGE)
    neigh = dump(s, 5, RTM_GETNEIGH, AF_UNSPEC)
    routes = dump(s, 6, RTM_GETROUTE, AF_INET) + dump(s, 7, RTM_GETROUTE, AF_INET6)
    events(ev)  # nothing yet
    return s, ev, links, addrs, fdb, neigh, routes


def main():
    if sys.argv[1] != "--inside":
        os.makedirs(sys.argv[1], exist_ok=True)
        subprocess.run(["ip", "netns", "add", NS], check=True)
        try:
            subprocess.run(["ip", "netns", "exec", NS, sys.executable, sys.argv[0], "--inside",
                            sys.argv[1]], check=True)
        finally:
            subprocess.run(["ip", "netns", "del", NS])
        return
    inside(sys.argv[2])


def inside(outdir):
    sh(SETUP)
    s, ev, links, addrs, fdb, neigh, routes = capture()
    sh(CHANGES)
    evs = events(ev)
    write(outdir, "links-untrimmed", 0x00, links)
    links, evs = trim(links), trim(evs)
    base = links + addrs
    write(outdir, "links", 0x00, links)
    write(outdir, "addrs", 0x00, base)
    write(outdir, "fdb-learn", 0x01, base + fdb)
    write(outdir, "neigh-learn", 0x01, base + neigh)
    write(outdir, "routes", 0x00, routes)
    write(outdir, "routes-l3", 0x40, base + routes)
    write(outdir, "start-loading", 0x03, base + fdb + neigh + routes)
    write(outdir, "resync-dumping", 0x05, base + fdb + neigh + routes)
    write(outdir, "requests-acked", 0x19, base + fdb + neigh)
    write(outdir, "requests-refused", 0x39, base + fdb + neigh)
    write(outdir, "requests-l3-routes", 0x59, base + routes)
    write(outdir, "events-learn", 0x01, base + fdb + neigh + evs)
    write(outdir, "events-requests", 0x59, base + fdb + neigh + routes + evs)
    for i, d in enumerate(evs[:12]):
        write(outdir, "event-%02d" % i, 0x09, base + [d])


if __name__ == "__main__":
    main()
