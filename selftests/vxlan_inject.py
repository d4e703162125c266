#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made VXLAN packets with scapy, for malformed.sh.

    vxlan_inject.py --iface DEV --src IP --dst IP --dst-mac MAC \
                    --inner-dst-mac MAC CASE...

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

Every other case has its UDP checksum computed (over IPv4 too).

Inner frames of the malformed cases use source MAC 02:00:00:00:bb:NN (NN =
case index) so that a test can check that none was learned; the valid case
uses 02:00:00:00:aa:01, and so do the ECN cases (ICMP sequence = case
index).
"""

import argparse
import sys

from scapy.all import Ether, ICMP, IP, IPv6, Raw, UDP, conf, sendp
from scapy.layers.vxlan import VXLAN

VNI = 5000


def inner(args, idx, valid=False, tos=0):
    src = "02:00:00:00:aa:01" if valid else "02:00:00:00:bb:%02x" % idx
    return (Ether(src=src, dst=args.inner_dst_mac) /
            IP(src="192.168.100.2", dst="192.168.100.1", tos=tos) /
            ICMP(id=0x4b56, seq=idx))


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
    raise SystemExit("unknown case: %s" % case)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--inner-dst-mac", required=True)
    p.add_argument("--port", type=int, default=4789)
    p.add_argument("cases", nargs="+")
    args = p.parse_args()
    conf.verb = 0

    pkts = []
    for idx, case in enumerate(args.cases, 1):
        pl = payload(args, case, idx)
        if ":" in args.dst:
            outer = IPv6(src=args.src, dst=args.dst,
                         tc=OUTER_TOS.get(case, 0))
        else:
            outer = IP(src=args.src, dst=args.dst, tos=OUTER_TOS.get(case, 0))
        # chksum None: scapy computes it
        udp = UDP(sport=50000 + idx, dport=args.port,
                  chksum=0 if case == "zero_csum" else None)
        pkt = Ether(dst=args.dst_mac) / outer / udp / pl
        raw = bytes(pkt[UDP].payload)
        print("%-13s udp payload %3d bytes, header %s" %
              (case, len(raw), raw[:8].hex()))
        pkts.append(pkt)
    sendp(pkts, iface=args.iface, verbose=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
