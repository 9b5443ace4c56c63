#!/usr/bin/env python3
"""slow_peer.py -c PEER -l LOCAL [--stall] [-e N] [-t SECS] [-p PIDFILE]: an iBGP
L2VPN/EVPN peer (AS 65000) for tests/netns/test-slow-peer.sh that can stop
reading.  It brings the session up reading nothing but the OPEN and the
KEEPALIVE (and sends End-of-RIB: it has no routes); with --stall it then reads nothing at all (a tiny receive buffer,
KEEPALIVEs still sent every 3 s) until SIGUSR1; then, or at once without
--stall, it reads everything, counting the EVPN NLRI announced, and exits 0
once it has N of them and End-of-RIB.  Prints one JSON line per event:
{"event": "established"|"stalled"|"reading"|"done", ...}.  Exits 1 when the
session fails, 3 on timeout.  -p: write its process id there (for the
signals: it runs under `ip netns exec`)."""
import os
import argparse
import json
import select
import signal
import socket
import struct
import sys
import time

resume = False


def on_usr1(sig, frame):
    global resume
    resume = True


def say(**kw):
    print(json.dumps(kw), flush=True)


def msg(typ, body=b""):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), typ) + body


def open_msg(local):
    caps = bytes([1, 4, 0, 25, 0, 70])          # multiprotocol L2VPN/EVPN
    caps += bytes([65, 4]) + struct.pack("!I", 65000)
    opt = bytes([2, len(caps)]) + caps
    return msg(1, struct.pack("!BHH4sB", 4, 65000, 30, socket.inet_aton(local), len(opt)) + opt)


def read_exact(s, n, deadline):
    out = b""
    while len(out) < n:
        if time.time() > deadline:
            sys.exit(3)
        r, _, _ = select.select([s], [], [], 0.5)
        if r:
            d = s.recv(n - len(out))
            if not d:
                say(event="closed")
                sys.exit(1)
            out += d
    return out


def read_msg(s, deadline):
    hdr = read_exact(s, 19, deadline)
    ln, typ = struct.unpack("!HB", hdr[16:19])
    return typ, read_exact(s, ln - 19, deadline) if ln > 19 else b""


def count_update(body):
    """(EVPN NLRI announced, is End-of-RIB) of an UPDATE body."""
    wl = struct.unpack_from("!H", body)[0]
    al = struct.unpack_from("!H", body, 2 + wl)[0]
    at, end, n, eor = 4 + wl, 4 + wl + al, 0, False
    while at < end:
        flags, typ = body[at], body[at + 1]
        if flags & 0x10:
            vl, at = struct.unpack_from("!H", body, at + 2)[0], at + 4
        else:
            vl, at = body[at + 2], at + 3
        v = body[at:at + vl]
        at += vl
        if typ == 15 and vl == 3 and al <= 7:
            eor = True
        if typ == 14:
            p = 5 + v[3]
            while p + 2 <= len(v):
                n += 1
                p += 2 + v[p + 1]
    return n, eor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", required=True)
    ap.add_argument("-l", required=True)
    ap.add_argument("--stall", action="store_true")
    ap.add_argument("-e", type=int, default=0)
    ap.add_argument("-t", type=float, default=120)
    ap.add_argument("-p")
    a = ap.parse_args()
    signal.signal(signal.SIGUSR1, on_usr1)
    if a.p:
        with open(a.p, "w") as f:
            f.write("%d\n" % os.getpid())
    deadline = time.time() + a.t
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
    s.bind((a.l, 0))
    s.connect((a.c, 179))
    s.sendall(open_msg(a.l))
    typ, _ = read_msg(s, deadline)
    if typ != 1:
        say(event="refused", type=typ)
        sys.exit(1)
    s.sendall(msg(4))
    typ, _ = read_msg(s, deadline)
    if typ != 4:
        say(event="refused", type=typ)
        sys.exit(1)
    s.sendall(msg(2, bytes.fromhex("00000006800f03001946")))  # End-of-RIB, L2VPN/EVPN
    say(event="established")
    last_ka = time.time()
    if a.stall:
        say(event="stalled")
        while not resume:
            if time.time() > deadline:
                sys.exit(3)
            if time.time() - last_ka > 3:
                s.sendall(msg(4))
                last_ka = time.time()
            time.sleep(0.1)
    say(event="reading")
    routes, updates = 0, 0
    while True:
        if time.time() - last_ka > 3:
            s.sendall(msg(4))
            last_ka = time.time()
        typ, body = read_msg(s, deadline)
        if typ == 3:
            say(event="notification", code=body[0], subcode=body[1])
            sys.exit(1)
        if typ != 2:
            continue
        updates += 1
        n, eor = count_update(body)
        routes += n
        if eor and routes >= a.e:
            say(event="done", routes=routes, updates=updates)
            return


if __name__ == "__main__":
    main()
