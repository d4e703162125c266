#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made VXLAN packets with scapy (malformed.sh, udp6_zero_csum.sh,
wire_format.sh).

    vxlan_inject.py --iface DEV --src IP --dst IP --dst-mac MAC \
                    --inner-dst-mac MAC [--data] [--inner-hex FILE] \
                    [--fragment N] CASE[,KEY=VALUE...]...

Each CASE is one outer Ethernet/IP/UDP(4789) packet, sent in the order
given; the outer header is IPv6 when --dst is an IPv6 address (then the
outer traffic class plays the IPv4 TOS byte's part):

    valid           flags 0x08, VNI 5000, an inner ICMP echo request
    no_i_flag       flags 0x00 (I flag clear), VNI 5000
    flag_bit        flags 0x0a (I and a reserved flag bit)
    gbp_bit         flags 0x88 (I and the G bit of the GBP extension)
    reserved1       flags 0x08, the 24 reserved bits before the VNI = 1
    reserved2       flags 0x08, the reserved byte after the VNI = 1
    short_header    a 4-byte UDP payload: 08 00 00 00
    empty           a 0-byte UDP payload
    unknown_vni     a valid header with VNI 777
    short_inner     a valid header followed by a 6-byte inner frame
    ecn_ce_not_ect  valid, outer ECN CE, inner IPv4 Not-ECT (RFC 6040: drop)
    ecn_ce_ect0     valid, outer ECN CE, inner IPv4 ECT(0) (deliver as CE)
    zero_csum       valid, but the outer UDP checksum is 0 (over IPv6:
                    RFC 6935/6936, dropped unless the receiver allows it)
    flagbit:N       flags 0x08 | (1 << N), N = 0..7 but 3 (the I flag)
    res1bit:N       flags 0x08, bit N (0..23) of the 24 reserved bits
                    before the VNI set
    res2bit:N       flags 0x08, bit N (0..7) of the reserved byte after
                    the VNI set
    down_vni        a valid header with VNI 5001 (a device that is down)
    src_mcast       inner source MAC 01:00:5e:00:00:01 (multicast)
    src_zero        inner source MAC 00:00:00:00:00:00
    src_own         inner source MAC = --inner-dst-mac (the receiver's own)
    oversize        valid, an inner frame of 1600 bytes (inner IPv4 of
                    1586: more than a 1500-byte MTU plus a VLAN tag)

--fragment N sends each IPv4 packet as fragments of N bytes of IP payload
(N a multiple of 8; 8 splits the UDP header from the VXLAN header): the
receiver's IP layer reassembles them into a non-linear skb.

Every other case has its UDP checksum computed (over IPv4 too).

KEY=VALUE after a case sets one field of its packet to an explicit value
(numbers in decimal or 0x hex), after the case has built it:

    src       outer source address (of the --dst family)
    ttl tos   outer TTL / hop limit, TOS / traffic class (ECN included)
    df        outer IPv4 DF bit, 0 or 1 (scapy's default: 0)
    fl        outer IPv6 flow label
    sport dport csum     outer UDP source, destination port, checksum
    flags reserved1 vni reserved2   the VXLAN header's fields (8, 24, 24
                                    and 8 bits; with flags 0x04 or 0x80,
                                    scapy's GPE and GBP layouts, whose
                                    other fields stay 0)
    isrc idst inner Ethernet source, destination MAC
    itos      inner IPv4 TOS
    proto     inner IPv4 payload: icmp (echo request, the default) or udp
              (a datagram from port 40000 to port 9)

--data gives every inner ICMP or UDP packet 48 bytes of payload, (index +
k) mod 256 for k = 0..47, so that no two cases carry the same bytes.
--inner-hex FILE writes one line per case: its index (from 1), then its
inner Ethernet frame in hex, as sent.

Inner frames of the malformed cases use source MAC 02:00:00:00:bb:NN (NN =
case index) so that a test can check that none was learned; the valid case
uses 02:00:00:00:aa:01, and so do the ECN cases (ICMP sequence = case
index).
"""

import argparse
import sys

from scapy.all import Ether, ICMP, IP, IPv6, Raw, UDP, conf, fragment, sendp
from scapy.layers.vxlan import VXLAN

VNI = 5000


def inner(args, idx, valid=False, tos=0, src=None, pad=0):
    if src is None:
        src = "02:00:00:00:aa:01" if valid else "02:00:00:00:bb:%02x" % idx
    frame = (Ether(src=src, dst=args.inner_dst_mac) /
             IP(src="192.168.100.2", dst="192.168.100.1", tos=tos) /
             ICMP(id=0x4b56, seq=idx))
    if pad:
        frame /= Raw(b"\0" * pad)
    return frame


# outer IPv4 TOS byte per case (default 0)
OUTER_TOS = {"ecn_ce_not_ect": 0x03, "ecn_ce_ect0": 0x03}


def payload(args, case, idx):
    """The UDP payload of one case, built with scapy's VXLAN layer.

    flags is always given: stacking Ether on a VXLAN layer whose flags are
    left to their default makes scapy write a VXLAN-GPE header (0x0c,
    next protocol 3) instead of RFC 7348's.
    """
    if case == "valid":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx, valid=True)
    if case == "no_i_flag":
        return VXLAN(flags=0x00, vni=VNI) / inner(args, idx)
    if case == "flag_bit":
        return VXLAN(flags=0x0a, vni=VNI) / inner(args, idx)
    if case == "gbp_bit":
        return VXLAN(flags=0x88, vni=VNI) / inner(args, idx)
    if case == "reserved1":
        return VXLAN(flags=0x08, reserved1=1, vni=VNI) / inner(args, idx)
    if case == "reserved2":
        return VXLAN(flags=0x08, vni=VNI, reserved2=1) / inner(args, idx)
    if case == "short_header":
        return Raw(b"\x08\x00\x00\x00")
    if case == "empty":
        return Raw(b"")
    if case == "unknown_vni":
        return VXLAN(flags=0x08, vni=777) / inner(args, idx)
    if case == "short_inner":
        return VXLAN(flags=0x08, vni=VNI) / Raw(b"\x02\x00\x00\x00\xbb\x00")
    if case == "ecn_ce_not_ect":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx, True, tos=0x00)
    if case == "ecn_ce_ect0":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx, True, tos=0x02)
    if case == "zero_csum":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx)
    name, _, bit = case.partition(":")
    if name == "flagbit" and bit and int(bit) in range(8) and int(bit) != 3:
        return VXLAN(flags=0x08 | (1 << int(bit)), vni=VNI) / inner(args, idx)
    if name == "res1bit" and bit and int(bit) in range(24):
        return (VXLAN(flags=0x08, reserved1=1 << int(bit), vni=VNI) /
                inner(args, idx))
    if name == "res2bit" and bit and int(bit) in range(8):
        return (VXLAN(flags=0x08, vni=VNI, reserved2=1 << int(bit)) /
                inner(args, idx))
    if case == "down_vni":
        return VXLAN(flags=0x08, vni=VNI + 1) / inner(args, idx)
    if case == "src_mcast":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx,
                                                  src="01:00:5e:00:00:01")
    if case == "src_zero":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx,
                                                  src="00:00:00:00:00:00")
    if case == "src_own":
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx,
                                                  src=args.inner_dst_mac)
    if case == "oversize":
        # Ether 14 + IPv4 20 + ICMP 8 + 1558 = 1600
        return VXLAN(flags=0x08, vni=VNI) / inner(args, idx, pad=1558)
    raise SystemExit("unknown case: %s" % case)


def num(v):
    return int(v, 0)


# KEY -> (layer, field, parser): "udp" is the outer UDP header, "vxlan" the
# VXLAN header, "ether" and "ip" the inner frame's Ethernet and IPv4 headers
FIELDS = {
    "sport": ("udp", "sport", num),
    "dport": ("udp", "dport", num),
    "csum": ("udp", "chksum", num),
    "flags": ("vxlan", "flags", num),
    "reserved1": ("vxlan", "reserved1", num),
    "vni": ("vxlan", "vni", num),
    "reserved2": ("vxlan", "reserved2", num),
    "isrc": ("ether", "src", str),
    "idst": ("ether", "dst", str),
    "itos": ("ip", "tos", num),
}
# outer header keys: (IPv4 field, IPv6 field)
OUTER = {"src": ("src", "src"), "ttl": ("ttl", "hlim"), "tos": ("tos", "tc"),
         "df": ("flags", None), "fl": (None, "fl")}


def overrides(spec):
    """CASE,KEY=VALUE,... -> (CASE, {KEY: VALUE})"""
    name, *kvs = spec.split(",")
    over = {}
    for kv in kvs:
        k, sep, v = kv.partition("=")
        if not sep or (k not in FIELDS and k not in OUTER and k != "proto"):
            raise SystemExit("%s: bad KEY=VALUE '%s'" % (spec, kv))
        over[k] = v
    return name, over


def apply_inner(pl, over, data):
    """Set the VXLAN header's and the inner frame's fields of payload pl."""
    layers = {"vxlan": pl.getlayer(VXLAN), "ether": pl.getlayer(Ether),
              "ip": pl.getlayer(IP)}
    if over.get("proto", "icmp") not in ("icmp", "udp"):
        raise SystemExit("proto: icmp or udp, not %s" % over["proto"])
    ip = layers["ip"]
    if ip is not None:
        if over.get("proto") == "udp":
            ip.remove_payload()
            ip.add_payload(UDP(sport=40000, dport=9))
        if data:
            ip.payload.add_payload(Raw(data))
    for k, v in over.items():
        if k not in FIELDS or FIELDS[k][0] == "udp":
            continue
        layer, field, parse = FIELDS[k]
        if layers[layer] is None:
            raise SystemExit("%s: this case has no %s layer" % (k, layer))
        setattr(layers[layer], field, parse(v))
    vx = layers["vxlan"]
    if vx is not None and vx.flags & 0x04:
        # scapy would fill in a VXLAN-GPE next protocol (3, Ethernet) for
        # the P bit: keep that byte 0, so only the bits given are set
        vx.NextProtocol = 0


def build(args):
    """The packets of args.cases: (packets, inner hex lines, log lines).

    args: the command line's attributes (see main()); src_mac, the outer
    Ethernet source, None for scapy's (the sending interface's).
    """
    pkts = []
    hexes = []
    lines = []
    v6 = ":" in args.dst
    src_mac = getattr(args, "src_mac", None)
    ether = {"dst": args.dst_mac}
    if src_mac is not None:
        ether["src"] = src_mac
    for idx, spec in enumerate(args.cases, 1):
        case, over = overrides(spec)
        pl = payload(args, case, idx)
        data = bytes((idx + k) & 0xff for k in range(48)) if args.data \
            else None
        apply_inner(pl, over, data)
        if v6:
            outer = IPv6(src=args.src, dst=args.dst,
                         tc=OUTER_TOS.get(case, 0))
        else:
            outer = IP(src=args.src, dst=args.dst, tos=OUTER_TOS.get(case, 0))
        for k, (f4, f6) in OUTER.items():
            if k not in over:
                continue
            f = f6 if v6 else f4
            if f is None:
                raise SystemExit("%s: not a field of IPv%d" % (k, 6 if v6
                                                                 else 4))
            v = over[k] if k == "src" else num(over[k])
            if k == "df":
                v = "DF" if v else 0
            setattr(outer, f, v)
        # chksum None: scapy computes it
        udp = UDP(sport=50000 + idx, dport=args.port,
                  chksum=0 if case == "zero_csum" else None)
        for k, v in over.items():
            if k in FIELDS and FIELDS[k][0] == "udp":
                setattr(udp, FIELDS[k][1], num(v))
        pkt = Ether(**ether) / outer / udp / pl
        raw = bytes(pkt[UDP].payload)
        inner_eth = pl.getlayer(Ether)
        hexes.append("%d %s" % (idx, bytes(inner_eth).hex()
                                if inner_eth is not None else "-"))
        note = "".join(" " + kv for kv in spec.split(",")[1:])
        if args.fragment and IP in pkt:
            # build the checksums first: fragment() copies the bytes
            frags = fragment(Ether(bytes(pkt))[IP], fragsize=args.fragment)
            pkts.extend(Ether(**ether) / f for f in frags)
            note += ", %d fragments" % len(frags)
        else:
            pkts.append(pkt)
        lines.append("%-13s udp payload %4d bytes, header %s%s" %
                     (case, len(raw), raw[:8].hex(), note))
    return pkts, hexes, lines


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--inner-dst-mac", required=True)
    p.add_argument("--port", type=int, default=4789)
    p.add_argument("--data", action="store_true")
    p.add_argument("--inner-hex")
    p.add_argument("--fragment", type=int, default=0)
    p.add_argument("cases", nargs="+")
    args = p.parse_args()
    conf.verb = 0

    pkts, hexes, lines = build(args)
    for line in lines:
        print(line)
    if args.inner_hex:
        with open(args.inner_hex, "w") as f:
            f.write("\n".join(hexes) + "\n")
    sendp(pkts, iface=args.iface, verbose=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
