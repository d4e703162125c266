#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the frames the tests send, on the host: frames.py NAME.frames

    wire_format.frames      wire_format.sh (step 4)
    malformed.frames        malformed.sh, malformed.sh-ipv6
    udp6_zero_csum.frames   udp6_zero_csum.sh
    fdb.frames              peers_only.sh, fdb_limits.sh
    fdb_sweep.frames        fdb_sweep.sh
    gro.frames              gro.sh, gro.sh-ipv6

`make -C selftests` (which scripts/check runs on the host before the VMs)
writes them: in an emulated guest, starting python and importing scapy
costs tens of seconds per call, so the tests replay these files with
frame_send (frame_send.c), which sends the frames of one set.

A .frames file is text, one line each:

    SET HEX             a frame of SET, outer Ethernet header included
                        (frame_send replaces its destination and source
                        MACs: they are per run); sets are sent in the
                        order of the file
    #SET TEXT           what vxlan_inject.py prints for the packet
    mac DEV MAC         the MAC the test gives DEV (an inner destination)
    case4 ... case6 ... wire_format's cases (below)
    macs SET MAC...     fdb.frames: the inner source MACs of SET, in order
    count SET N         fdb_sweep.frames: SET has N frames
    gro ...             gro.frames: what a burst must deliver (gro())

The packets are those vxlan_inject.py (scapy, field by field) and
fdb_inject.py (struct) build: the same code, run here.  Underlay
addresses are fixed per family (lib.sh's ul: 10.0.0.N or fd00::N); the
MACs that frames carry inside (inner destinations) are the fixed ones of
the mac lines, which the tests set on their devices.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PLACEHOLDER = "00:00:00:00:00:00"
# the inner destination MACs: what the tests set on h1's devices
MAC = {"vx0": "02:00:00:00:f0:00", "vx1": "02:00:00:00:f0:01",
       "vx2": "02:00:00:00:f0:02"}


def ul(n, family):
    """lib.sh's ul for 10.0.0.N"""
    return "10.0.0.%d" % n if family == 4 else "fd00::%d" % n


def scapy_build(src, dst, inner_dst_mac, cases, data=False, fragment=0):
    import vxlan_inject
    args = argparse.Namespace(src=src, dst=dst, dst_mac=PLACEHOLDER,
                              src_mac=PLACEHOLDER,
                              inner_dst_mac=inner_dst_mac, port=4789,
                              data=data, fragment=fragment, cases=cases)
    return vxlan_inject.build(args)


def put_set(out, name, pkts, lines=()):
    for line in lines:
        out.append("#%s %s" % (name, line))
    for p in pkts:
        out.append("%s %s" % (name, bytes(p).hex()))


def wire_format_cases(family):
    """wire_format.sh's rx_cases: (EXPECT, CASE[,KEY=VALUE...]).

    EXPECT is the device that must deliver the packet, a /proc/net/kvxlan
    counter that must count it, or noport (no kvxlan socket on its port:
    UDP NoPorts).  Dropped ones first, so that once the last delivered
    packet has arrived every one has been handled.
    """
    c = [("rx_drop_no_vni_flag", "valid,flags=0x00")]
    for b in (0x01, 0x02, 0x04, 0x10, 0x20, 0x40, 0x80):
        c.append(("rx_drop_reserved_bits", "valid,flags=%d" % (0x08 | b)))
    for b in range(24):
        c.append(("rx_drop_reserved_bits", "valid,reserved1=%d" % (1 << b)))
    for b in range(8):
        c.append(("rx_drop_reserved_bits", "valid,reserved2=%d" % (1 << b)))
    c += [
        ("rx_drop_unknown_vni", "valid,vni=0"),
        ("rx_drop_unknown_vni", "valid,vni=4999"),
        ("rx_drop_unknown_vni", "valid,vni=5001"),
        ("rx_drop_unknown_vni", "valid,vni=0x011388"),
        ("rx_drop_unknown_vni", "valid,vni=16777215,dport=4790"),
        ("noport", "valid,dport=4788"),
        ("noport", "valid,dport=4791"),
        ("noport", "valid,dport=8472"),
        ("vx0", "valid"),
        ("vx0", "valid,ttl=1"),
        ("vx0", "valid,ttl=255"),
        ("vx0", "valid,tos=0xb8"),
        ("vx0", "valid,tos=0x02"),
        ("vx0", "valid,tos=0x03,itos=0x03"),
        ("vx0", "valid,sport=0"),
        ("vx0", "valid,sport=1"),
        ("vx0", "valid,sport=4789"),
        ("vx0", "valid,sport=65535"),
        ("vx0", "valid,proto=udp"),
        ("vx0", "valid,src=%s" % ul(3, family)),
    ]
    if family == 4:
        c += [("vx0", "valid,df=1"), ("vx0", "valid,df=0"),
              ("vx0", "valid,csum=0")]
    else:
        c += [("vx0", "valid,fl=1"), ("vx0", "valid,fl=0x12345"),
              ("vx0", "valid,fl=0xfffff")]
    c += [
        ("vx1", "valid,vni=16777215"),
        ("vx2", "valid,dport=4790"),
        ("vx0", "valid,vni=5000,dport=4789,flags=0x08"),
    ]
    return c


def wire_format(out):
    """Sets rx4, rx6; for each case a line "caseF N EXPECT ISRC OSRC
    INNER_HEX SPEC": its number, its inner source MAC (02:00:00:00:aa:NN
    delivered, bb:NN dropped, NN the number in hex), its outer source
    address, its inner frame in hex (48 bytes of its own payload each),
    its vxlan_inject.py case."""
    for dev, mac in MAC.items():
        out.append("mac %s %s" % (dev, mac))
    for family in (4, 6):
        src = ul(2, family)
        args = []
        info = []
        for n, (exp, spec) in enumerate(wire_format_cases(family), 1):
            osrc = src
            if exp.startswith("vx"):
                mac = "02:00:00:00:aa:%02x" % n
                if ",src=" in spec:
                    osrc = spec.split(",src=")[1].split(",")[0]
                spec += ",idst=" + MAC[exp]
            else:
                mac = "02:00:00:00:bb:%02x" % n
            args.append(spec + ",isrc=" + mac)
            info.append((n, exp, mac, osrc, args[-1]))
        if len(args) > 255:
            raise SystemExit("more than 255 cases: inner MACs would repeat")
        pkts, hexes, lines = scapy_build(src, ul(1, family), MAC["vx0"],
                                         args, data=True)
        put_set(out, "rx%d" % family, pkts, lines)
        for (n, exp, mac, osrc, spec), h in zip(info, hexes):
            out.append("case%d %d %s %s %s %s %s" % (family, n, exp, mac,
                                                    osrc, h.split()[1],
                                                    spec))


def fragment6(pkts, size):
    """IPv6 packets as fragments of SIZE bytes of payload (a multiple of
    8), checksums built first; a packet with no more than SIZE bytes after
    its IPv6 header stays whole, as scapy's fragment() leaves such an IPv4
    packet (no fragment header: nothing to reassemble)."""
    from scapy.all import Ether, IPv6, IPv6ExtHdrFragment, Raw
    out = []
    for ident, pkt in enumerate(pkts, 1):
        pkt = Ether(bytes(pkt))
        ip = pkt[IPv6]
        data = bytes(ip.payload)
        if len(data) <= size:
            out.append(pkt)
            continue
        for off in range(0, len(data), size):
            out.append(Ether(dst=pkt.dst, src=pkt.src) /
                       IPv6(src=ip.src, dst=ip.dst, tc=ip.tc, fl=ip.fl,
                            hlim=ip.hlim) /
                       IPv6ExtHdrFragment(nh=ip.nh, offset=off // 8,
                                          m=int(off + size < len(data)),
                                          id=0x4b560000 + ident) /
                       Raw(data[off:off + size]))
    return out


def malformed(out):
    """Sets plainF and fragF (8-byte fragments), F the underlay family:
    malformed.sh's cases, then ecn_ce_ect0 and valid, from 10.0.0.2 to
    10.0.0.1 (fd00::2 to fd00::1)."""
    out.append("mac vx0 %s" % MAC["vx0"])
    cases = ("no_i_flag flag_bit gbp_bit reserved1 reserved2 short_header "
             "empty unknown_vni short_inner ecn_ce_not_ect down_vni "
             "src_mcast src_zero src_own oversize").split()
    cases += ["flagbit:%d" % b for b in (0, 1, 2, 4, 5, 6, 7)]
    cases += ["res1bit:%d" % b for b in range(24)]
    cases += ["res2bit:%d" % b for b in range(8)]
    cases += ["ecn_ce_ect0", "valid"]
    for f in (4, 6):
        for name, frag in (("plain", 0), ("frag", 8)):
            # vxlan_inject.py fragments IPv4 only (given an IPv6 packet it
            # would fragment the inner IPv4 one): IPv6 here
            pkts, _, lines = scapy_build(ul(2, f), ul(1, f), MAC["vx0"],
                                         cases,
                                         fragment=frag if f == 4 else 0)
            if frag and f == 6:
                pkts = fragment6(pkts, frag)
                lines = ["%s, fragments of %d bytes" % (line, frag)
                         for line in lines]
            put_set(out, "%s%d" % (name, f), pkts, lines)


def udp6_zero_csum(out):
    """Set zeros: 3 IPv6 packets with UDP checksum 0, then a valid one."""
    out.append("mac vx0 %s" % MAC["vx0"])
    pkts, _, lines = scapy_build("fd00::2", "fd00::1", MAC["vx0"],
                                 ["zero_csum"] * 3 + ["valid"])
    put_set(out, "zeros", pkts, lines)


def fdb(out):
    """fdb_inject.py's frames for peers_only.sh and fdb_limits.sh, per
    family F (from 10.0.0.N / fd00::N to 10.0.0.1 / fd00::1):

        aN-MAC-F    one frame from N with inner source MAC (peers_only)
        stormF      2000 random MACs (seed 1) from 2, storm2F: 500 (seed 2)
        moveNF      MOVER N from 2, 3, (count: repeat the set)
        moveN-aK-F  MOVER N from K alone
    """
    import fdb_inject as fi
    ph = fi.mac_bytes(PLACEHOLDER)
    inner_dst = fi.mac_bytes("02:00:00:00:ff:ff")
    storm = fi.random_macs(2000, 1, [inner_dst])
    storm2 = fi.random_macs(500, 2, [inner_dst])
    out.append("macs storm " + " ".join(fi.mac_text(m) for m in storm))
    for f in (4, 6):
        def put(name, srcs, macs):
            for t in fi.build(ul(1, f), ph, ph, [ul(s, f) for s in srcs],
                              macs):
                out.append("%s %s" % (name, t.hex()))
        for n, mac in ((2, "02:00:00:00:22:01"), (3, "02:00:00:00:33:01")):
            put("a%d-%s-%d" % (n, mac, f), [n], [fi.mac_bytes(mac)])
        put("storm%d" % f, [2], storm)
        put("storm2%d" % f, [2], storm2)
        for m in (1, 2, 3):
            mover = fi.mac_bytes("02:00:00:00:77:%02x" % m)
            put("move%d%d" % (m, f), [2, 3], [mover] * 2)
            for k in (2, 3):
                put("move%d-a%d-%d" % (m, k, f), [k], [mover])


# fdb_sweep.sh: more learned entries than one ageing sweep visits
# (KVX_AGE_BUDGET in module/learn.c)
AGE_BUDGET = 16384
SWEEP = AGE_BUDGET + 116


def fdb_sweep(out):
    """fdb_inject.py's frames for fdb_sweep.sh, IPv4 (10.0.0.N to
    10.0.0.1):

        sweep4          SWEEP random MACs (seed 3) from 10.0.0.2 ("count
                        sweep4 N", "last sweep4 MAC": the last one)
        dampx4          MAC 02:00:00:00:77:11 from .2, .3, .2, .3
        dampy4          MAC 02:00:00:00:77:12 from .2, .3, .2
        dampy-post4     MAC 02:00:00:00:77:12 from .3, .2, .3
    """
    import fdb_inject as fi
    ph = fi.mac_bytes(PLACEHOLDER)
    inner_dst = fi.mac_bytes("02:00:00:00:ff:ff")

    def put(name, srcs, macs):
        for t in fi.build(ul(1, 4), ph, ph, [ul(s, 4) for s in srcs], macs):
            out.append("%s %s" % (name, t.hex()))
    macs = fi.random_macs(SWEEP, 3, [inner_dst])
    out.append("count sweep4 %d" % SWEEP)
    out.append("count budget %d" % AGE_BUDGET)
    out.append("last sweep4 %s" % fi.mac_text(macs[-1]))
    put("sweep4", [2], macs)
    x = fi.mac_bytes("02:00:00:00:77:11")
    y = fi.mac_bytes("02:00:00:00:77:12")
    put("dampx4", [2, 3], [x] * 4)
    put("dampy4", [2, 3], [y] * 3)
    put("dampy-post4", [3, 2], [y] * 3)


# gro.sh: two VNIs' TCP segments interleaved, and malformed packets
GRO_SEGS = 8
GRO_PAYLOAD = {5000: 1000, 5001: 600}
GRO_MACS = ["02:00:00:00:aa:01", "02:00:00:00:aa:02"]
GRO_BAD = [("reserved_bits", 0x0a, 5000, 0), ("no_vni_flag", 0x00, 5000, 0),
           ("unknown_vni", 0x08, 777, 0), ("reserved_bits", 0x08, 5001, 1)]


def gro(out):
    """Sets burst4, burst6: from 10.0.0.1 (fd00::1) to 10.0.0.2
    (fd00::2), all from one outer UDP port to 4789: GRO_SEGS TCP segments
    of one inner flow for each VNI of GRO_PAYLOAD, interleaved (one of
    each VNI in turn), with a malformed VXLAN packet (GRO_BAD) after each
    of the first pairs.  Inner headers are the same for both VNIs (same
    MACs, addresses, ports, sequence numbers): only the VNI tells the
    flows apart.  Outer and inner IPv4 DF set, IP IDs consecutive per
    flow, TCP ACK only, so that GRO may merge each flow whole.

    Lines "gro vni VNI SEGS PAYLOAD" and "gro bad COUNTER" say what the
    burst holds.

    Sets burstmac4, burstmac6: GRO_SEGS segments of VNI 5000's flow in
    order, as above, but from two inner source MACs in turn (GRO_MACS),
    and nothing else: no two consecutive segments share an inner Ethernet
    header, so GRO merges none of them."""
    from scapy.all import Ether, IP, IPv6, Raw, TCP, UDP
    from scapy.layers.vxlan import VXLAN
    out.append("mac vx0 %s" % MAC["vx0"])
    for vni, size in GRO_PAYLOAD.items():
        out.append("gro vni %d %d %d" % (vni, GRO_SEGS, size))
    for bad in GRO_BAD:
        out.append("gro bad %s" % bad[0])
    for f in (4, 6):
        def outer(oid, *layers):
            if f == 4:
                ip = IP(src=ul(1, f), dst=ul(2, f), flags="DF", id=oid)
            else:
                ip = IPv6(src=ul(1, f), dst=ul(2, f))
            # IPv4: no UDP checksum, as RFC 7348 senders do
            udp = UDP(sport=50000, dport=4789, chksum=0 if f == 4 else None)
            pkt = Ether(dst=PLACEHOLDER, src=PLACEHOLDER) / ip / udp
            for layer in layers:
                pkt /= layer
            return pkt

        def inner(seq, ipid, size):
            return (Ether(src=GRO_MACS[0], dst=MAC["vx0"]) /
                    IP(src="192.0.2.1", dst="192.0.2.2", flags="DF",
                       id=ipid) /
                    TCP(sport=40000, dport=9, seq=seq, ack=1, flags="A",
                        window=8192) /
                    Raw(bytes((seq + k) & 0xff for k in range(size))))
        pkts = []
        lines = []
        for i in range(GRO_SEGS):
            for n, (vni, size) in enumerate(GRO_PAYLOAD.items()):
                pkts.append(outer(100 * (n + 1) + i,
                                  VXLAN(flags=0x08, vni=vni),
                                  inner(1 + i * size, 1000 * (n + 1) + i,
                                        size)))
                lines.append("vni %d segment %d, %d bytes" % (vni, i, size))
            if i < len(GRO_BAD):
                what, flags, vni, res2 = GRO_BAD[i]
                pkts.append(outer(900 + i, VXLAN(flags=flags, vni=vni,
                                                 reserved2=res2),
                                  inner(1, 3000 + i, 100)))
                lines.append("malformed: %s" % what)
        put_set(out, "burst%d" % f, pkts, lines)

        # one flow of VNI 5000 in order, its segments' inner source MAC
        # alternating: GRO must not merge across inner Ethernet headers
        pkts = []
        lines = []
        size = GRO_PAYLOAD[5000]
        for i in range(GRO_SEGS):
            pkt = outer(200 + i, VXLAN(flags=0x08, vni=5000),
                        inner(1 + i * size, 2000 + i, size))
            pkt[VXLAN][Ether].src = GRO_MACS[i % 2]
            pkts.append(pkt)
            lines.append("vni 5000 segment %d, %d bytes, from %s" %
                         (i, size, GRO_MACS[i % 2]))
        put_set(out, "burstmac%d" % f, pkts, lines)


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: frames.py NAME.frames")
    path = sys.argv[1]
    name = os.path.basename(path)
    gen = {"wire_format.frames": wire_format, "malformed.frames": malformed,
           "udp6_zero_csum.frames": udp6_zero_csum, "fdb.frames": fdb,
           "fdb_sweep.frames": fdb_sweep, "gro.frames": gro}
    if name not in gen:
        raise SystemExit("frames.py: no frames named %s" % name)
    out = []
    gen[name](out)
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.rename(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
