#!/usr/bin/python3
"""benchlib.py - helpers of tests/bench/converge.sh (Debian's python3 only).

  benchlib.py pcap PCAP RR_ADDR
      BGP timestamps seen on a leaf's uplink capture (tshark), from RR_ADDR:
      prints JSON {t_open, t_keepalive, t_first_update, t_last_data}.
      t_keepalive (the RR's first KEEPALIVE, which completes the leaf's
      OpenConfirm) is when the leaf's session reaches Established.
  benchlib.py pcap-mac PCAP SRC MAC
      when SRC first sent an UPDATE with an EVPN route for MAC in the
      capture: prints JSON {t_sent} (0 if never)
  benchlib.py json KEY=VALUE... [@FILE:PREFIX]...
      one JSON object from KEY=VALUE pairs (numbers, true/false, strings)
      and the JSON objects in FILEs (their keys prefixed with PREFIX)
  benchlib.py field FILE PATH
      print one value of a JSON object (PATH like a.b.c), from the last
      line of FILE that parses and has it
  benchlib.py frr-peer FIELD PEER < show-bgp-summary-json
      print FIELD of PEER in `show bgp l2vpn evpn summary json`
  benchlib.py scale-poll EVPNCTL LABDIR LEAVES
      tests/bench/scale.sh: query every leaf (LABDIR/leafI/evpnd.sock) and
      print one JSON object: per-leaf lists of flood entries, MACs, kernel
      queue depth, requests refused, session state, established count,
      keepalives sent and received, and RSS-less totals
  benchlib.py smaps PID...
      where the processes' resident memory is, in kB, from /proc/PID/smaps:
      prints JSON {heap_kb (brk heap), anon_kb (other anonymous mappings:
      pools, large allocations, other threads' malloc arenas), stack_kb,
      file_kb (binaries and libraries), huge_kb (of anon: transparent huge
      pages)}
  benchlib.py report RESULTS [MARKDOWN_OUT]
      print the table of converge results (JSON lines) and optionally
      write it as Markdown
"""
import json
import subprocess
import sys


def tshark_fields(path, display_filter, *fields):
    """The capture's frames that match display_filter, one line of tab-separated fields each."""
    args = ["tshark", "-r", path, "-Y", display_filter, "-T", "fields"]
    for f in fields:
        args += ["-e", f]
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          check=False).stdout


def pcap(path, rr):
    out = tshark_fields(path, "ip.src==%s && tcp" % rr, "frame.time_epoch", "tcp.len", "bgp.type")
    res = {"t_open": 0.0, "t_keepalive": 0.0, "t_first_update": 0.0, "t_last_data": 0.0}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        t = float(parts[0])
        tlen = int(parts[1] or 0)
        types = set((parts[2] if len(parts) > 2 else "").split(","))
        if "1" in types and not res["t_open"]:
            res["t_open"] = t
        if "4" in types and res["t_open"] and not res["t_keepalive"]:
            res["t_keepalive"] = t
        if "2" in types and not res["t_first_update"]:
            res["t_first_update"] = t
        if tlen > 100:
            res["t_last_data"] = t
    print(json.dumps(res))


def pcap_mac(path, src, mac):
    out = tshark_fields(path, "ip.src==%s && bgp.evpn.nlri.mac_addr==%s" % (src, mac),
                        "frame.time_epoch")
    times = [float(t) for t in out.split()]
    print(json.dumps({"t_sent": times[0] if times else 0.0}))


def conv(v):
    if v in ("true", "false"):
        return v == "true"
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return v


def mkjson(args):
    d = {}
    for a in args:
        if a.startswith("@"):
            path, _, pfx = a[1:].partition(":")
            try:
                with open(path) as f:
                    lines = [l for l in f.read().splitlines() if l.strip()]
                obj = {}
                for l in lines:
                    try:
                        obj.update(json.loads(l))
                    except ValueError:
                        pass
            except OSError:
                obj = {}
            for k, v in obj.items():
                d[pfx + k] = v
        else:
            k, _, v = a.partition("=")
            d[k] = conv(v)
    print(json.dumps(d))


def field(path, key):
    val = None
    with open(path) as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            for k in key.split("."):
                o = o.get(k) if isinstance(o, dict) else None
            if o is not None:
                val = o
    if val is None:
        sys.exit(1)
    print(val)


def frr_peer(fieldname, peer):
    d = json.load(sys.stdin)
    v = d.get("peers", {}).get(peer, {}).get(fieldname)
    if v is None:
        sys.exit(1)
    print(v)


def fmt(v, unit="s"):
    if v is None:
        return "-"
    if unit == "s":
        return "%.3f" % v
    if unit == "ms":
        return "%.2f ms" % (v * 1000)
    if unit == "x":
        return "%.2f" % v
    if unit == "B":
        return "%.0f" % v
    return str(v)


def report(path, md_out=None):
    rows = []
    with open(path) as f:
        for line in f:
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    rows.reverse()          # the latest result of each kind wins
    conv_ = [r for r in rows if r.get("benchmark") == "converge"]
    kern = [r for r in rows if r.get("benchmark") == "kernel-insert"]
    local = [r for r in rows if r.get("benchmark") == "local-learning"]
    moves = [r for r in rows if r.get("benchmark") == "mac-move"]
    audits = [r for r in rows if r.get("benchmark") == "audit"]
    lines = []
    hdr = ("scenario", "N", "evpnd s", "FRR s", "kernel s", "evpnd/FRR", "evpnd/kernel",
           "evpnd B/route", "FRR B/route", "evpnd from Est. s", "FRR from Est. s",
           "evpnd CPU s", "FRR CPU s")
    lines.append(hdr)

    def med(vals):
        vals = sorted(v for v in vals if v is not None)
        return vals[len(vals) // 2] if vals else None

    def pick(rs, sc, n, **kw):
        return [r for r in rs if r.get("scenario") == sc and r.get("n") == n
                and all(r.get(k) == v for k, v in kw.items())]

    keys = sorted({(r["scenario"], r["n"]) for r in conv_}, key=lambda k: (k[1], k[0]))
    for sc, n in keys:
        e, fr = pick(conv_, sc, n, daemon="evpnd"), pick(conv_, sc, n, daemon="frr")
        k = pick(kern, sc, n, observed=True)
        te = med(r.get("from_first_update_s") for r in e)
        tf = med(r.get("from_first_update_s") for r in fr)
        tk = med(r.get("seconds") for r in k)
        # memory: the first measurement (growth from a fresh daemon)
        e1 = [r for r in e if r.get("rep", 1) == 1][:1] or e[:1]
        f1 = [r for r in fr if r.get("rep", 1) == 1][:1] or fr[:1]
        lines.append((sc, str(n), fmt(te), fmt(tf), fmt(tk),
                      fmt(te / tf, "x") if te and tf else "-",
                      fmt(te / tk, "x") if te and tk else "-",
                      fmt(e1[0].get("bytes_per_route") if e1 else None, "B"),
                      fmt(f1[0].get("bytes_per_route") if f1 else None, "B"),
                      fmt(med(r.get("from_established_s") for r in e)),
                      fmt(med(r.get("from_established_s") for r in fr)),
                      fmt(med(r.get("cpu_s") for r in e), "x"),
                      fmt(med(r.get("cpu_s") for r in fr), "x")))
    for sc, n in sorted({(r["scenario"], r["n"]) for r in local}, key=lambda k: (k[1], k[0])):
        e = next((r for r in local if r["n"] == n and r["daemon"] == "evpnd"), {})
        fr = next((r for r in local if r["n"] == n and r["daemon"] == "frr"), {})
        te, tf = e.get("seconds"), fr.get("seconds")
        lines.append(("local-learn", str(n), fmt(te), fmt(tf), "-",
                      fmt(te / tf, "x") if te and tf else "-", "-", "-", "-", "-", "-", "-", "-"))
    for n in sorted({r["n"] for r in moves}):
        e = next((r for r in moves if r["n"] == n and r["daemon"] == "evpnd"), {})
        fr = next((r for r in moves if r["n"] == n and r["daemon"] == "frr"), {})
        te, tf = e.get("seconds"), fr.get("seconds")
        lines.append(("mac-move", "1 (of %d)" % n, fmt(te), fmt(tf), "-",
                      fmt(te / tf, "x") if te and tf else "-", "-", "-", "-", "-", "-", "-", "-"))
        te, tf = e.get("leaf_s"), fr.get("leaf_s")
        if te is not None or tf is not None:
            lines.append(("mac-move, leaf's share", "1 (of %d)" % n, fmt(te, "ms"),
                          fmt(tf, "ms"), "-",
                          fmt(te / tf, "x") if te and tf else "-",
                          "-", "-", "-", "-", "-", "-", "-"))
    # `evpnctl audit` on the evpnd leaf: until it answers; the slowest
    # `show summary` answered meanwhile (the loop kept running)
    last = {}
    for r in audits:
        last.setdefault((r["n"], r["scenario"]), r)
    for (n, sc), r in sorted(last.items()):
        lines.append(("audit %s (%s drops)" % (sc, r.get("session_drops", "?")),
                      str(n), fmt(r.get("seconds")),
                      "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"))
        if r.get("summaries"):
            lines.append(("audit %s: slowest show summary" % sc, "%d during it" % r["summaries"],
                          fmt(r.get("summary_max_s"), "ms"),
                          "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"))
    w = [max(len(str(r[i])) for r in lines) for i in range(len(hdr))]
    out = []
    for i, r in enumerate(lines):
        out.append("  ".join(str(c).rjust(w[j]) if j else str(c).ljust(w[j]) for j, c in enumerate(r)))
        if i == 0:
            out.append("  ".join("-" * x for x in w))
    micro = []
    for r in reversed(rows):
        if r.get("benchmark") == "update-decode":
            micro.append("decode   N=%-8d %-6s %6.2f M NLRI/s (one core)" % (
                r["routes"], "MAC+IP" if r.get("ip") else "MAC", r["nlri_per_second"] / 1e6))
        elif r.get("benchmark") == "rib":
            micro.append("rib      N=%-8d %-6s insert %5.2f M/s, second path %5.2f M/s, "
                         "best-path move %6.2f M/s, %4.0f B/route" % (
                             r["routes"], "MAC+IP" if r.get("ip") else "MAC",
                             r["insert_per_second"] / 1e6, r["second_path_per_second"] / 1e6,
                             r["flush_per_second"] / 1e6, r["bytes_per_route"]))
    out += [""] + micro if micro else []
    print("\n".join(out))
    if md_out:
        with open(md_out, "w") as f:
            f.write("| " + " | ".join(hdr) + " |\n")
            f.write("|" + "|".join("---" for _ in hdr) + "|\n")
            for r in lines[1:]:
                f.write("| " + " | ".join(r) + " |\n")
            if micro:
                f.write("\n```\n" + "\n".join(micro) + "\n```\n")


def scale_poll(evpnctl, labdir, leaves):
    res = {k: [] for k in ("flood", "macs", "queue", "errors", "established",
                           "est_count", "ka_sent", "ka_rcvd", "pid")}
    for i in range(1, leaves + 1):
        sock = "%s/leaf%d/evpnd.sock" % (labdir, i)
        try:
            summ = json.loads(subprocess.run(
                [evpnctl, "-s", sock, "-j", "show", "summary"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, check=True, timeout=20).stdout)
            nbrs = json.loads(subprocess.run(
                [evpnctl, "-s", sock, "-j", "show", "neighbors"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, check=True, timeout=20).stdout)
        except (subprocess.SubprocessError, ValueError):
            summ, nbrs = {}, []
        if isinstance(nbrs, dict):
            nbrs = nbrs.get("neighbors", [])
        ev = summ.get("evpn", {})
        ks = ev.get("kernel-stats", {})
        n = nbrs[0] if nbrs else {}
        res["flood"].append(ev.get("flood-entries", -1))
        res["macs"].append(ev.get("macs", -1))
        res["queue"].append(ks.get("queue-depth", -1))
        res["errors"].append(ks.get("errors", -1))
        res["established"].append(n.get("state") == "Established")
        res["est_count"].append(n.get("established-count", -1))
        res["ka_sent"].append(n.get("messages-sent", {}).get("keepalive", -1))
        res["ka_rcvd"].append(n.get("messages-received", {}).get("keepalive", -1))
        try:
            with open("%s/leaf%d/evpnd.pid" % (labdir, i)) as f:
                res["pid"].append(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            res["pid"].append(0)
    print(json.dumps(res))


def smaps(pids):
    res = {"heap_kb": 0, "anon_kb": 0, "stack_kb": 0, "file_kb": 0, "huge_kb": 0}
    for pid in pids:
        kind = None
        with open("/proc/%s/smaps" % pid) as f:
            for line in f:
                parts = line.split()
                if "-" in parts[0] and not parts[0].endswith(":"):
                    name = parts[5] if len(parts) > 5 else ""
                    kind = ("heap_kb" if name == "[heap]" else
                            "stack_kb" if name.startswith("[stack") else
                            "anon_kb" if name == "" else
                            None if name.startswith("[") else "file_kb")
                elif parts[0] == "Rss:" and kind:
                    res[kind] += int(parts[1])
                elif parts[0] == "AnonHugePages:" and kind:
                    res["huge_kb"] += int(parts[1])
    print(json.dumps(res))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "pcap":
        pcap(argv[2], argv[3])
    elif cmd == "pcap-mac":
        pcap_mac(argv[2], argv[3], argv[4])
    elif cmd == "json":
        mkjson(argv[2:])
    elif cmd == "field":
        field(argv[2], argv[3])
    elif cmd == "frr-peer":
        frr_peer(argv[2], argv[3])
    elif cmd == "scale-poll":
        scale_poll(argv[2], argv[3], int(argv[4]))
    elif cmd == "smaps":
        smaps(argv[2:])
    elif cmd == "report":
        report(argv[2], argv[3] if len(argv) > 3 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
