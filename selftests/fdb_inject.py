#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send VXLAN frames whose inner source MACs a VTEP will learn.

    fdb_inject.py --iface DEV --dst IP --dst-mac MAC --src IP[,IP...]
                  [--vni VNI] [--port PORT] [--inner-dst MAC]
                  (--random-macs N [--seed S] [--macs-file FILE] |
                   --mac MAC [--count N])

One outer Ethernet/IP/UDP/VXLAN packet per frame, sent from DEV with an
AF_PACKET socket, in order; IPv6 when --dst is an IPv6 address (then every
--src must be one too).  Frame i leaves with outer source address
number i % len(--src), so "--src A,B --mac M --count 6" makes M show up
behind A, B, A, B, A, B: a MAC moving between VTEPs.  --random-macs N gives
every frame its own random, locally administered unicast source MAC (all
distinct, reproducible with --seed) and writes them to --macs-file, one per
line in the order sent.

The inner frame is a small IPv4/UDP datagram (to port 9, discard) for
--inner-dst (default 02:00:00:00:ff:ff), a MAC that is not the receiving
device's: its stack drops it as "other host" without a reply, so only the
VTEP's learning and counters see it.

The headers are packed here with struct rather than with scapy: scapy
takes tens of seconds to import in an emulated VM, and malformed.sh
already has scapy write VXLAN.  Over IPv4 the outer UDP checksum is 0 (RFC
7348 allows it), so one packet per source is packed and only the 6 bytes
of the inner source MAC change from frame to frame.  Over IPv6 a zero
checksum is dropped by default (RFC 6935/6936), so each frame gets its
checksum, updated for the new MAC as RFC 1624 describes.
"""

import argparse
import random
import socket
import struct
import sys

VXLAN_I_FLAG = 0x08
# Ethernet 14 + IPv4 20 (IPv6 40) + UDP 8 + VXLAN 8 + inner destination MAC 6
UDP_OFF = {4: 14 + 20, 6: 14 + 40}
INNER_SRC_OFF = 8 + 8 + 6      # from the UDP header


def mac_bytes(text):
    raw = bytes(int(b, 16) for b in text.split(":"))
    if len(raw) != 6:
        raise SystemExit("bad MAC %s" % text)
    return raw


def mac_text(raw):
    return ":".join("%02x" % b for b in raw)


def csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0,
                      64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, proto, payload):
    """An IPv6 header and payload; a UDP payload gets its checksum."""
    s6 = socket.inet_pton(socket.AF_INET6, src)
    d6 = socket.inet_pton(socket.AF_INET6, dst)
    if proto == socket.IPPROTO_UDP:
        pseudo = s6 + d6 + struct.pack("!IxxxB", len(payload), proto)
        c = csum(pseudo + payload + (b"\0" if len(payload) % 2 else b""))
        payload = payload[:6] + struct.pack("!H", c or 0xffff) + payload[8:]
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64,
                       s6, d6) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def csum_update(old_csum, old, new):
    """RFC 1624 eqn. 3: the checksum after 16-bit words old became new."""
    s = ~old_csum & 0xffff
    for o, n in zip(struct.unpack("!3H", old), struct.unpack("!3H", new)):
        s += (~o & 0xffff) + n
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s & 0xffff) or 0xffff


def frame(dst_mac, src_mac, payload):
    ethertype = 0x86dd if payload[0] >> 4 == 6 else 0x0800
    return dst_mac + src_mac + struct.pack("!H", ethertype) + payload


def random_macs(n, seed, avoid):
    rng = random.Random(seed)
    seen = set(avoid)
    out = []
    while len(out) < n:
        raw = bytearray(rng.getrandbits(8) for _ in range(6))
        raw[0] = (raw[0] & 0xfc) | 0x02     # unicast, locally administered
        raw = bytes(raw)
        if raw not in seen:
            seen.add(raw)
            out.append(raw)
    return out


def build(dst, dst_mac, own_mac, srcs, macs, vni=5000, port=4789,
          inner_dst=b"\x02\0\0\0\xff\xff"):
    """The frames, in order: frame i from srcs[i % len(srcs)], inner
    source MAC macs[i] (bytes objects)."""
    family = 6 if ":" in dst else 4
    outer_ip = ipv6 if family == 6 else ipv4
    inner = frame(inner_dst, b"\0" * 6,
                  ipv4("192.0.2.1", "192.0.2.2", socket.IPPROTO_UDP,
                       udp(9, 9, b"kvxlan fdb test".ljust(18, b"\0"))))
    vxlan = struct.pack("!II", VXLAN_I_FLAG << 24, vni << 8)
    templates = [bytearray(frame(dst_mac, own_mac,
                                 outer_ip(src, dst, socket.IPPROTO_UDP,
                                          udp(50000, port, vxlan + inner))))
                 for src in srcs]
    # the inner source MAC (all zero in the templates) and, over IPv6,
    # the UDP checksum
    mac_off = UDP_OFF[family] + INNER_SRC_OFF
    sum_off = UDP_OFF[family] + 6
    out = []
    for i, mac in enumerate(macs):
        t = templates[i % len(templates)]
        if family == 6:
            old_sum, = struct.unpack_from("!H", t, sum_off)
            struct.pack_into("!H", t, sum_off,
                             csum_update(old_sum, t[mac_off:mac_off + 6],
                                         mac))
        t[mac_off:mac_off + 6] = mac
        out.append(bytes(t))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--vni", type=int, default=5000)
    p.add_argument("--port", type=int, default=4789)
    p.add_argument("--inner-dst", default="02:00:00:00:ff:ff")
    p.add_argument("--random-macs", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--macs-file")
    p.add_argument("--mac")
    p.add_argument("--count", type=int, default=1)
    args = p.parse_args()

    inner_dst = mac_bytes(args.inner_dst)
    if args.random_macs:
        macs = random_macs(args.random_macs, args.seed, [inner_dst])
    elif args.mac:
        macs = [mac_bytes(args.mac)] * args.count
    else:
        p.error("--random-macs or --mac is required")

    with open("/sys/class/net/%s/address" % args.iface) as f:
        own_mac = mac_bytes(f.read().strip())
    sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sk.bind((args.iface, 0))
    for t in build(args.dst, mac_bytes(args.dst_mac), own_mac,
                   args.src.split(","), macs, args.vni, args.port,
                   inner_dst):
        sk.send(t)
    sk.close()

    if args.macs_file:
        with open(args.macs_file, "w") as f:
            for mac in macs:
                f.write(mac_text(mac) + "\n")
    print("sent %d frames from %s, %d distinct inner source MACs" %
          (len(macs), args.src, len(set(macs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
