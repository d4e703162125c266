#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-built messages to the "kvxlan" generic netlink family.

    genl_raw.py [--dump] [--reserved=N] [--flags=N] CMD [ATTR...]
    genl_raw.py --join GROUP
    genl_raw.py -          (one of the above per line of standard input)

No netlink library: headers and attributes are packed here with struct, so
that a test can send what no well-behaved client would (missing, unknown,
mistyped or mis-sized attributes).  The family and its multicast groups are
resolved with CTRL_CMD_GETFAMILY.  Each request asks for an ACK with
extended ACK TLVs (NETLINK_EXT_ACK, NETLINK_CAP_ACK); one line is printed
per request:

    ok replies=N max_len=L
    error errno=EINVAL(22) msg="..." offs=N miss_type=N miss_nest=N want_offs=N

msg, offs, miss_type and miss_nest appear only when the kernel sent them
(NLMSGERR_ATTR_MSG, _OFFS, _MISS_TYPE, _MISS_NEST); done=1 when the error
came in a dump's NLMSG_DONE, which carries a message but no offset;
want_offs is the offset in the request of the attribute marked with "!"
(see below), for checking that the kernel pointed at the right one.  For a dump, N counts the
NLM_F_MULTI messages, and an error may come in NLMSG_DONE; L is the
length of the longest reply message, headers included.  --reserved sets
the genlmsghdr's reserved field, --flags adds nlmsg_flags to the
request's (NLM_F_REQUEST, NLM_F_ACK and, with --dump, NLM_F_DUMP).  --join adds the
socket to a multicast group of the family and prints "ok" or the error.
With "-", one process sends every line's request in turn (a python start
costs seconds in an emulated VM); blank lines and "#" comments are skipped.

CMD is a KVXLAN_CMD_* name without the prefix (FDB_ADD) or a number.  Each
ATTR is NAME=TYPE:VALUE, or NAME{ ... } for a nest (NAME~{ leaves out the
NLA_F_NESTED flag); a leading "!" marks the attribute the kernel should
blame.  NAME is an attribute of the current nest without its prefix (top
level: KVXLAN_A_*, in fdb{: KVXLAN_FDB_A_*, in remote{: KVXLAN_REMOTE_A_*),
or a number.  TYPE is one of

    u8 u16 u32 u64   an integer (decimal or 0x...), host byte order
    dev              the ifindex of the interface named VALUE, as a u32
    mac              aa:bb:cc:dd:ee:ff, 6 bytes
    ip               an IPv4 (4 bytes) or IPv6 (16 bytes) address
    hex              raw bytes, e.g. hex:0200000001 (5 bytes)
    str              a NUL-terminated string
    empty            no payload (VALUE is ignored)

Example: genl_raw.py FDB_ADD ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01
addr=ip:10.0.0.2 !vni=u32:16777216 }

The numbers below are the uapi's (uapi/linux/kvxlan.h), which never change.
"""

import errno
import ipaddress
import os
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLMSG_ERROR = 2
NLMSG_DONE = 3
DONE = -1          # in the TLVs of talk(): the answer was an NLMSG_DONE
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLA_F_NESTED = 0x8000

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6

GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

FAMILY = "kvxlan"
VERSION = 1

CMDS = {
    "DEV_GET": 1, "FDB_ADD": 2, "FDB_REPLACE": 3, "FDB_DEL": 4,
    "FDB_GET": 5, "FDB_FLUSH": 6, "FLOOD_ADD": 7, "FLOOD_DEL": 8,
    "FLOOD_GET": 9, "FLOOD_REPLACE": 10, "REMOTE_GET": 11, "FDB_NTF": 12,
    "GROUP_ADD": 13, "GROUP_DEL": 14, "GROUP_GET": 15,
}

# attribute names per nest; a nest attribute names the table of its content
TOP = {
    "pad": 1, "ifindex": 2, "vni": 3, "port": 4, "learning": 5,
    "ageing": 6, "max_learned": 7, "fdb_static": 8, "fdb_learned": 9,
    "fdb": 10, "remote": 11, "stats": 12, "event": 13,
}
FDB = {
    "pad": 1, "mac": 2, "addr": 3, "port": 4, "vni": 5, "kind": 6,
    "created": 7, "updated": 8, "used": 9, "hits": 10, "moves": 11,
}
REMOTE = {
    "pad": 1, "addr": 2, "port": 3, "vni": 4, "tx_packets": 5,
    "tx_bytes": 6, "rx_packets": 7, "rx_bytes": 8, "flood_copies": 9,
    "fdb_refs": 10, "ifindex": 11,
}
NESTS = {(id(TOP), "fdb"): FDB, (id(TOP), "remote"): REMOTE}


def die(msg):
    sys.stderr.write("genl_raw.py: %s\n" % msg)
    sys.exit(2)


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    pad = (4 - len(payload) % 4) % 4
    return hdr + payload + b"\0" * pad


def value(vtype, text):
    if vtype in ("u8", "u16", "u32", "u64"):
        fmt = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}[vtype]
        return struct.pack(fmt, int(text, 0))
    if vtype == "dev":
        try:
            return struct.pack("=I", socket.if_nametoindex(text))
        except OSError:
            die("no interface %s" % text)
    if vtype == "mac":
        return bytes(int(b, 16) for b in text.split(":"))
    if vtype == "ip":
        return ipaddress.ip_address(text).packed
    if vtype == "hex":
        return bytes.fromhex(text)
    if vtype == "str":
        return text.encode() + b"\0"
    if vtype == "empty":
        return b""
    die("unknown type %s" % vtype)
    return b""


def attr_type(table, name):
    if name.isdigit():
        return int(name)
    if name not in table:
        die("unknown attribute %s" % name)
    return table[name]


class Mark:
    """Where the attribute marked "!" ended up, from the payload start."""
    offs = None


def parse_attrs(words, pos, table, nested, mark, base):
    """Packs words[pos:] up to the closing "}" of this nest.

    base is the offset of this nest's content in the payload."""
    out = b""
    while pos < len(words):
        w = words[pos]
        pos += 1
        if w == "}":
            if not nested:
                die("unbalanced }")
            return out, pos
        if w.startswith("!"):
            w = w[1:]
            mark.offs = base + len(out)
        if w.endswith("{"):
            name = w[:-1]
            flag = NLA_F_NESTED
            if name.endswith("~"):
                name, flag = name[:-1], 0
            sub = NESTS.get((id(table), name), {})
            inner, pos = parse_attrs(words, pos, sub, True, mark,
                                     base + len(out) + 4)
            out += nla(attr_type(table, name) | flag, inner)
            continue
        name, eq, rest = w.partition("=")
        vtype, colon, text = rest.partition(":")
        if not eq or not (colon or vtype == "empty"):
            die("attribute %s is not NAME=TYPE:VALUE" % w)
        out += nla(attr_type(table, name), value(vtype, text))
    if nested:
        die("missing }")
    return out, pos


def attrs_of(buf):
    """Top-level attributes of buf as {type: payload}."""
    out = {}
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[off + 4:off + alen]
        off += (alen + 3) & ~3
    return out


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.seq = 1

    def send(self, mtype, flags, cmd, payload, reserved=0):
        self.seq += 1
        body = struct.pack("=BBH", cmd, VERSION, reserved) + payload
        hdr = struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq, 0)
        self.sk.send(hdr + body)
        return self.seq

    def talk(self, mtype, flags, cmd, payload, reserved=0):
        """Returns (errno or 0, ext ack TLVs, list of reply payloads)."""
        seq = self.send(mtype, flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
                        payload, reserved)
        replies = []
        while True:
            data = self.sk.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                mlen, mt, mflags, mseq, _ = struct.unpack_from("=IHHII",
                                                               data, off)
                msg = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if mseq != seq:
                    continue
                if mt == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg)[0]
                    # the request's header follows (capped: header only)
                    orig_len = 16
                    if not mflags & NLM_F_CAPPED:
                        orig_len = struct.unpack_from("=I", msg, 4)[0]
                    tlvs = {}
                    if mflags & NLM_F_ACK_TLVS:
                        tlvs = attrs_of(msg[4 + ((orig_len + 3) & ~3):])
                    return err, tlvs, replies
                if mt == NLMSG_DONE:
                    err = -struct.unpack_from("=i", msg)[0] if msg else 0
                    tlvs = attrs_of(msg[4:]) if mflags & NLM_F_ACK_TLVS \
                        else {}
                    tlvs[DONE] = b""
                    return err, tlvs, replies
                replies.append(msg[4:])     # past the genl header

    def family(self):
        err, _, replies = self.talk(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY,
                                    nla(CTRL_ATTR_FAMILY_NAME,
                                        FAMILY.encode() + b"\0"))
        if err or not replies:
            die("cannot resolve the %s family: %s" %
                (FAMILY, os.strerror(err)))
        a = attrs_of(replies[0])
        fid = struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID][:2])[0]
        groups = {}
        for g in attrs_of(a.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
            ga = attrs_of(g)
            name = ga[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
            groups[name] = struct.unpack("=I", ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fid, groups


def fmt_error(err, tlvs):
    out = "error errno=%s(%d)" % (errno.errorcode.get(err, "?"), err)
    if NLMSGERR_ATTR_MSG in tlvs:
        out += ' msg="%s"' % tlvs[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
    for key, name in ((NLMSGERR_ATTR_OFFS, "offs"),
                      (NLMSGERR_ATTR_MISS_TYPE, "miss_type"),
                      (NLMSGERR_ATTR_MISS_NEST, "miss_nest")):
        if key in tlvs:
            out += " %s=%d" % (name, struct.unpack("=I", tlvs[key][:4])[0])
    if DONE in tlvs:
        out += " done=1"
    return out


def run(g, fid, groups, args):
    """One request; returns its result line."""
    if args[:1] == ["--join"]:
        if len(args) != 2 or args[1] not in groups:
            die("--join needs one of: %s" % " ".join(sorted(groups)))
        try:
            g.sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                            groups[args[1]])
        except OSError as e:
            return "error errno=%s(%d)" % (errno.errorcode[e.errno], e.errno)
        return "ok"

    flags = 0
    reserved = 0
    while args and args[0].startswith("--"):
        if args[0] == "--dump":
            flags |= NLM_F_DUMP
        elif args[0].startswith("--reserved="):
            reserved = int(args[0].split("=", 1)[1], 0)
        elif args[0].startswith("--flags="):
            flags |= int(args[0].split("=", 1)[1], 0)
        else:
            die("unknown option %s" % args[0])
        args = args[1:]
    if not args:
        die("usage: genl_raw.py [--dump] [--reserved=N] [--flags=N] CMD "
            "[ATTR...] | --join GROUP | -")
    cmd = int(args[0]) if args[0].isdigit() else CMDS.get(args[0])
    if cmd is None:
        die("unknown command %s" % args[0])
    mark = Mark()
    payload, _ = parse_attrs(args[1:], 0, TOP, False, mark, 0)
    err, tlvs, replies = g.talk(fid, flags, cmd, payload, reserved)
    if not err:
        # nlmsghdr 16 + genlmsghdr 4 around each reply's attributes
        return "ok replies=%d max_len=%d" % (
            len(replies), max([20 + len(r) for r in replies], default=0))
    out = fmt_error(err, tlvs)
    if mark.offs is not None:
        # nlmsghdr 16 + genlmsghdr 4
        out += " want_offs=%d" % (16 + 4 + mark.offs)
    return out


def main():
    g = Genl()
    fid, groups = g.family()
    if sys.argv[1:] != ["-"]:
        print(run(g, fid, groups, sys.argv[1:]))
        return 0
    for line in sys.stdin:
        words = shlex.split(line, comments=True)
        if words:
            # a fresh socket each time: a join must not outlive its line
            print(run(Genl(), fid, groups, words), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
