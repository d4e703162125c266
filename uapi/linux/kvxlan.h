/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kvxlan - VXLAN (RFC 7348) as its own network device type.
 *
 * This header is the contract between the kvxlan module and userspace.
 * Values, once landed, are never renumbered; new attributes are appended.
 *
 * Link attributes (rtnetlink)
 * ---------------------------
 *
 * A kvxlan device is created with RTM_NEWLINK, IFLA_INFO_KIND "kvxlan" and
 * the attributes below nested in IFLA_INFO_DATA. All of them except
 * IFLA_KVXLAN_VNI are optional on creation. RTM_NEWLINK on an existing device
 * (changelink) takes the same attributes; those not given keep their value.
 * Every rejected value is answered with an extack message.
 *
 * Namespaces. The network namespace the creating request was sent from is
 * the device's link namespace: it holds the device's UDP socket, the
 * routes to its remotes, its underlay devices (IFLA_KVXLAN_LINK, a group's
 * KVXLAN_REMOTE_A_IFINDEX: ifindexes there), its group memberships and
 * its (VNI, port) slot, wherever the device itself lives: it may be
 * created in another namespace (IFLA_NET_NS_FD, IFLA_NET_NS_PID) or moved
 * to one later. There, RTM_NEWLINK carries IFLA_LINK_NETNSID, the link
 * namespace's id. Deleting the link namespace deletes its devices;
 * deleting the namespace a device lives in deletes the device (it is not
 * moved to the initial namespace), as with the in-tree driver. Changelink
 * of a device that lives outside its link namespace also needs
 * CAP_NET_ADMIN over the link namespace's user namespace (EPERM
 * otherwise), as the in-tree tunnels' does; so does bridge fdb add/del.
 *
 * IFLA_KVXLAN_VNI: NLA_U32, 0..16777215, required on creation.
 *     The 24-bit VXLAN Network Identifier. Within a link namespace, at
 *     most one kvxlan device may use a given (VNI, UDP port) pair.
 *
 * IFLA_KVXLAN_LOCAL: binary, 4 bytes (struct in_addr) or 16 bytes
 *     (struct in6_addr). The outer source address, and the underlay family:
 *     with an IPv4 local address the device uses IPv4 only, with an IPv6
 *     one IPv6 only, and every remote, group and FDB address must be of
 *     that family. Unset (the default), the routing table chooses the
 *     source and the device is dual stack: it listens on both an IPv4 and
 *     an IPv6 socket and takes remotes of either family. The family cannot
 *     change on an existing device.
 *
 *     MTU: the default is the underlay MTU less 50 (IPv4 local) or less 70
 *     (IPv6 local, or dual stack: an IPv6 remote may be added at any time,
 *     and its 20-byte larger header must fit too). The largest MTU accepted
 *     is the underlay MTU less 70 with an IPv6 local address, less 50
 *     otherwise (a dual-stack device's IPv6 copies are then fragmented).
 *
 * IFLA_KVXLAN_REMOTE: binary, 4 or 16 bytes. The remote VTEP that every
 *     frame is sent to. Without a remote the device sends nothing (frames
 *     are dropped and counted as "tx_drop_no_remote"). A zero-length
 *     attribute on changelink removes the remote.
 *
 * IFLA_KVXLAN_LINK: NLA_U32. The ifindex of the underlay device, in the
 *     link namespace: outer packets are routed out of it only, and it sets
 *     the default and maximum MTU. 0 (the default) means no underlay
 *     device is bound.
 *
 * IFLA_KVXLAN_PORT: NLA_U16, host byte order, 1..65535, default 4789.
 *     The UDP port that is both listened on and sent to.
 *
 * IFLA_KVXLAN_PORT_RANGE: struct kvxlan_port_range, host byte order,
 *     1 <= low <= high. Outer UDP source ports are taken from the hash of
 *     the inner flow within this range. Default: the namespace's
 *     ip_local_port_range.
 *
 * IFLA_KVXLAN_TTL: NLA_U8. Outer TTL / hop limit; 0 (the default) uses the
 *     route's hop limit.
 *
 * IFLA_KVXLAN_TOS: NLA_U8. Outer TOS byte; KVXLAN_TOS_INHERIT (1) copies
 *     the inner packet's DSCP. ECN is always propagated per RFC 6040.
 *     Default 0.
 *
 * IFLA_KVXLAN_DF: NLA_U8, enum kvxlan_df. The outer IPv4 don't-fragment
 *     bit: unset (default), set, or inherited from the inner IPv4 header.
 *
 * IFLA_KVXLAN_LEARNING: NLA_U8, 0 or 1, default 1. Learn inner source
 *     MAC -> outer source address from received packets (used by the FDB).
 *
 * IFLA_KVXLAN_AGEING: NLA_U32, seconds, default 300, at most
 *     KVXLAN_AGEING_MAX (1000000, about 11.6 days; more: ERANGE). How long
 *     a learned FDB entry lives without traffic. 0 means learned entries
 *     never age.
 *
 * IFLA_KVXLAN_MAX_LEARNED: NLA_U32, default KVXLAN_DEFAULT_MAX_LEARNED
 *     (65536). The largest number of learned FDB entries, so that spoofed
 *     source MACs from the underlay cannot exhaust memory; 0 means no
 *     limit. Static entries are not counted.
 *
 * IFLA_KVXLAN_GROUP: binary, 4 or 16 bytes, a multicast address. The group
 *     the device floods to and joins (IGMP/MLD) on its underlay device
 *     while it is up. Like REMOTE it is the first flood entry, so a device
 *     has one or the other; a zero-length attribute on changelink removes
 *     it. Multicast packets leave with TTL 1 unless IFLA_KVXLAN_TTL is set.
 *
 * IFLA_KVXLAN_UDP_CSUM: NLA_U8, 0 or 1, default 0. Compute the outer UDP
 *     checksum over IPv4 (RFC 7348 allows zero, which is the default).
 *
 * IFLA_KVXLAN_UDP6_ZERO_CSUM_TX: NLA_U8, 0 or 1, default 0. Send IPv6 outer
 *     packets with a zero UDP checksum (RFC 6935/6936); by default the
 *     checksum is computed.
 *
 * IFLA_KVXLAN_UDP6_ZERO_CSUM_RX: NLA_U8, 0 or 1, default 0. Accept IPv6
 *     outer packets with a zero UDP checksum; by default they are dropped
 *     and counted ("rx_drop_udp6_zero_csum").
 *
 * IFLA_KVXLAN_FLOWLABEL: NLA_U32. The IPv6 outer flow label: 0..0xfffff
 *     (KVXLAN_FLOWLABEL_MAX) fixed, default 0, or KVXLAN_FLOWLABEL_AUTO:
 *     derived from the hash of the inner flow, so that each inner flow
 *     keeps one label and ECMP in the underlay can spread them. The outer
 *     hop limit and traffic class come from IFLA_KVXLAN_TTL and _TOS.
 *
 * MAC-move dampening. A learned MAC that moves to another remote VTEP more
 * than DAMPEN_MOVES times within DAMPEN_WINDOW seconds (a loop, or two
 * hosts claiming one MAC) is not relearned for DAMPEN_HOLD seconds: it
 * stays behind its current remote and each packet that would have moved
 * it is counted as "fdb_learn_dampened".
 *
 * IFLA_KVXLAN_DAMPEN_MOVES: NLA_U32, 0..65535, default KVXLAN_DAMPEN_MOVES
 *     (5). 0 turns dampening off: every move is learned.
 *
 * IFLA_KVXLAN_DAMPEN_WINDOW: NLA_U32, seconds, 1..3600, default
 *     KVXLAN_DAMPEN_WINDOW (10).
 *
 * IFLA_KVXLAN_DAMPEN_HOLD: NLA_U32, seconds, 1..86400, default
 *     KVXLAN_DAMPEN_HOLD (30). A change applies to holds that start later.
 *
 * IFLA_KVXLAN_PEERS_ONLY: NLA_U8, 0 or 1, default 0. Accept packets only
 *     from the remote VTEPs the device knows: the addresses its FDB entries
 *     and its flood list name. Others are dropped before decapsulation and
 *     counted ("rx_drop_unknown_peer"); nothing is learned from them. With
 *     learning on, only MACs behind known VTEPs are learned (remotes
 *     learned before the option was turned on stay known until their
 *     entries are flushed or age out). A multicast group in the flood list
 *     is not a peer: with a group, name the peers in the FDB or the flood
 *     list too.
 *
 * IFLA_KVXLAN_PROXY: NLA_U8, 0 or 1, default 0. ARP and neighbour
 *     discovery suppression. An ARP request or IPv6 neighbour solicitation
 *     sent into the device (from a bridge, say) whose target the device's
 *     own neighbour table ("ip neigh add IP lladdr MAC dev DEV") holds in a
 *     NUD_CONNECTED state (permanent, noarp, reachable) is answered by the
 *     device: the ARP reply, or the neighbour advertisement (override
 *     flag set, router flag from the entry's NTF_ROUTER, the target's
 *     link-layer address option), comes back up the device as if received
 *     from the tunnel, and the request is not sent. A duplicate address
 *     detection solicitation (from ::) is answered to all nodes (ff02::1),
 *     not solicited. Every other frame is sent as without the option:
 *     requests that cannot be answered are flooded (the in-tree driver's
 *     proxy drops them, and every ARP frame it does not answer). Not
 *     answered: ARP while the device has IFF_NOARP, gratuitous ARP
 *     (sender IP = target IP), targets that are multicast, loopback, zero
 *     or broadcast, a target whose entry names the asker's own MAC, and
 *     requests that break RFC 826 or RFC 4861 7.1.1 (hop limit not 255,
 *     code not 0, an option of length 0 or past the payload, a payload
 *     length past the frame, a DAD solicitation with a source link-layer
 *     option or not to a solicited-node group); the ICMPv6 checksum is
 *     not checked, as in-tree. VLAN-tagged frames are not looked into.
 *     Counted as the device's "proxy_answered" and "proxy_flooded".
 *
 * Generic netlink family "kvxlan", version 1
 * -------------------------------------------
 *
 * Everything the forwarding table and flooding need. Every command takes
 * KVXLAN_A_IFINDEX, the kvxlan device it acts on (in the sender's network
 * namespace). Commands that change state, and joining the "events"
 * multicast group, need CAP_NET_ADMIN in the device's network namespace;
 * commands that change state on a device that lives outside its link
 * namespace (see Namespaces above) also need it over the link namespace's
 * user namespace, in the sender's context (EPERM and an extack message
 * otherwise). Events go to the namespace the device lives in.
 * Policies are strict: unknown attributes, wrong types and wrong lengths
 * are rejected with EINVAL and an extack message (the kernel's policy code
 * answers ERANGE for a value out of range and, on 6.1, for a binary
 * attribute of the wrong length). Addresses are binary, 4 bytes (IPv4) or
 * 16 bytes (IPv6). The error of a dump request comes in the ACK of the
 * request or, on kernels whose dump start has no extack (6.1), in the
 * NLMSG_DONE that ends the dump, with its message but no attribute offset.
 * Every command, known or not, checks its headers strictly (the family
 * has resv_start_op 0, as new families should): a genlmsghdr whose
 * reserved field is not 0, or nlmsg_flags other than NLM_F_REQUEST,
 * NLM_F_ACK, NLM_F_ECHO and NLM_F_DUMP (both bits), get EINVAL with an
 * extack message (older modules ignored both).
 *
 * Dumps of the FDB and of the remotes resume, part after part, after the
 * last object sent: an entry (remote) that exists from the start to the
 * end of a dump is listed exactly once, however often the hash table is
 * resized meanwhile. Entries added or deleted during the dump may be
 * listed or not, and the part that follows such a change is flagged
 * NLM_F_DUMP_INTR. Entries come in the order they were created (a
 * replaced entry keeps its place).
 *
 * KVXLAN_CMD_DEV_GET (do, dump)
 *     In: IFINDEX (do). Out, per device: IFINDEX, VNI, PORT, LEARNING,
 *     AGEING, MAX_LEARNED, DAMPEN_MOVES, DAMPEN_WINDOW, DAMPEN_HOLD,
 *     FDB_STATIC, FDB_LEARNED (entry counts) and
 *     STATS (nest of KVXLAN_STATS_A_*: drop reasons and learning counters).
 *
 * KVXLAN_CMD_FDB_ADD, KVXLAN_CMD_FDB_REPLACE (do)
 *     In: IFINDEX, FDB { MAC, ADDR, [PORT], [VNI] }. Adds a static entry
 *     MAC -> remote VTEP ADDR (with PORT and VNI overriding the device's).
 *     ADD fails with EEXIST if MAC has an entry; REPLACE creates or
 *     overwrites (a learned entry becomes static). A replace is one step
 *     for the data path: a frame sent meanwhile carries the old (ADDR,
 *     PORT, VNI) or the new one, never a mix. The entry keeps CREATED,
 *     HITS and MOVES. MAC must be unicast: a multicast MAC's remotes are
 *     added with FDB_APPEND.
 *
 * KVXLAN_CMD_FDB_APPEND (do; older modules: EOPNOTSUPP)
 *     In: IFINDEX, FDB { MAC, ADDR, [PORT], [VNI] }. MAC must be multicast
 *     (broadcast included): appends the remote VTEP ADDR (unicast), with
 *     its own PORT and VNI, to MAC's replication list, creating the entry
 *     (static) if MAC has none. A frame sent to MAC is then copied to
 *     exactly the remotes of its list, in order, instead of to the flood
 *     list (head-end replication, as the flood list's copies; they count
 *     in the remotes' FLOOD_COPIES). The list is published whole on each
 *     change: a frame goes to the old list or the new one, never a mix.
 *     EEXIST if ADDR is in the list already, E2BIG beyond
 *     KVXLAN_FDB_REMOTES_MAX remotes; a unicast MAC is refused (EINVAL,
 *     with an extack message: a unicast MAC has one remote, use REPLACE),
 *     where the in-tree vxlan driver ignores the append.
 *
 * KVXLAN_CMD_FDB_DEL (do)
 *     In: IFINDEX, FDB { MAC, [ADDR] }. ENOENT if there is no entry.
 *     Without ADDR the entry goes, with every remote of a multicast MAC's
 *     list. With ADDR, only that remote: a multicast MAC's list loses it
 *     (and the entry goes with its last remote), a unicast MAC's entry is
 *     deleted only if it points at ADDR; ENOENT otherwise. (Older modules
 *     ignored ADDR and deleted the entry.)
 *
 * KVXLAN_CMD_FDB_GET (do, dump)
 *     In: IFINDEX, FDB { MAC } (do); IFINDEX and optionally FDB { [ADDR],
 *     [KIND], [VNI] } as filters (dump). Out, per entry: IFINDEX, FDB {
 *     MAC, ADDR, [PORT], [VNI], KIND, CREATED, UPDATED, USED, HITS, MOVES }.
 *     A dump that raced with a change is flagged NLM_F_DUMP_INTR. A
 *     multicast MAC with a replication list gives one such message per
 *     remote, in list order (ADDR, PORT, VNI that remote's; the rest the
 *     entry's: HITS counts frames, not copies), in the reply of the do
 *     form too; the ADDR filter of a dump keeps the matching remotes.
 *
 * KVXLAN_CMD_FDB_FLUSH (do)
 *     In: IFINDEX, optionally FDB { [ADDR], [KIND], [VNI] }: deletes every
 *     entry that matches all filters given (all entries without any). With
 *     ADDR, a multicast MAC's list loses that remote (the entry goes with
 *     its last one).
 *
 * KVXLAN_CMD_FLOOD_ADD, KVXLAN_CMD_FLOOD_DEL (do)
 *     In: IFINDEX, REMOTE { ADDR, [PORT], [VNI] }. The flood list is the set
 *     of remotes that get a copy of every broadcast, unknown-unicast and
 *     multicast frame. ADD fails with EEXIST for an address already there,
 *     DEL with ENOENT for one that is not. The link attribute
 *     IFLA_KVXLAN_REMOTE is the first entry of this list.
 *
 * KVXLAN_CMD_FLOOD_GET (do, dump)
 *     In: IFINDEX. Out: IFINDEX and one REMOTE { ADDR, [PORT], [VNI],
 *     [IFINDEX] } per flood entry, in order. The dump (older modules:
 *     do only) is the way to read it: each message carries IFINDEX and the next
 *     run of the list, at most one dump part (32 KiB) long, and a part
 *     that found the list replaced since the previous one is flagged
 *     NLM_F_DUMP_INTR. The do form answers the whole list in one message
 *     (about 280 KB for KVXLAN_FLOOD_MAX IPv6 entries with PORT and VNI).
 *     Neither takes RTNL.
 *
 * KVXLAN_CMD_FLOOD_REPLACE (do)
 *     In: IFINDEX and zero or more REMOTE { ADDR, [PORT], [VNI] }: replaces
 *     the whole list in one step (transmitters see the old or the new list,
 *     never a mix). At most KVXLAN_FLOOD_MAX entries.
 *
 * KVXLAN_CMD_GROUP_ADD, KVXLAN_CMD_GROUP_DEL (do)
 *     In: IFINDEX, REMOTE { ADDR (multicast), [IFINDEX], [PORT], [VNI] }.
 *     A group is a flood entry whose address is multicast: the device
 *     floods to it and, while up, joins it on the underlay device IFINDEX
 *     (of the link namespace; default: the device's IFLA_KVXLAN_LINK, else
 *     the route to the group). FLOOD_ADD and FLOOD_DEL accept groups too. Memberships are
 *     reference-counted per (socket, group, underlay device): devices that
 *     share a group share one membership.
 *
 * KVXLAN_CMD_GROUP_GET (do, dump)
 *     In: IFINDEX. Out: IFINDEX and one REMOTE { ADDR, [IFINDEX], [PORT],
 *     [VNI] } per group of the flood list; the dump as FLOOD_GET's (no
 *     message at all when the list has no group).
 *
 * KVXLAN_CMD_REMOTE_GET (dump)
 *     In: IFINDEX. Out, per remote VTEP known to the device (named by an
 *     FDB entry or the flood list): IFINDEX, REMOTE { ADDR, TX_PACKETS,
 *     TX_BYTES, RX_PACKETS, RX_BYTES, FLOOD_COPIES, FDB_REFS }.
 *
 * KVXLAN_CMD_FDB_NTF (notification, multicast group "events")
 *     IFINDEX, EVENT (enum kvxlan_event) and FDB { MAC, ADDR, [PORT],
 *     [VNI], KIND }: an entry was added, replaced or deleted by an
 *     administrator (or a flush), learned, moved to another remote, or
 *     aged out; a remote was appended to or removed from a multicast
 *     MAC's list. One message per (MAC, remote): an entry with several
 *     remotes that goes gives one DELETED per remote.
 *
 * The same changes go to rtnetlink's RTNLGRP_NEIGH as RTM_NEWNEIGH
 * (added, replaced, learned, moved, appended) and RTM_DELNEIGH (deleted,
 * aged, removed), AF_BRIDGE, NTF_SELF, the messages of "bridge fdb show"
 * (NDA_LLADDR, NDA_DST, [NDA_PORT], [NDA_VNI], NDA_CACHEINFO; state
 * NUD_PERMANENT | NUD_NOARP for static entries, NUD_REACHABLE for learned
 * ones): what "bridge monitor fdb" prints. (Older modules sent none; the
 * kernel's own RTM_*NEIGH after a "bridge fdb add/del", without NDA_DST,
 * comes as well.)
 *
 * Attributes (enum kvxlan_a, top level)
 *     IFINDEX: u32. VNI: u32. PORT: u16, host order. LEARNING: u8.
 *     AGEING, MAX_LEARNED: u32 seconds / entries. DAMPEN_MOVES,
 *     DAMPEN_WINDOW, DAMPEN_HOLD: u32, as IFLA_KVXLAN_DAMPEN_* (moves,
 *     seconds, seconds). FDB_STATIC, FDB_LEARNED: u32. FDB: nest, enum
 *     kvxlan_fdb_a. REMOTE: nest, enum kvxlan_remote_a, may repeat. STATS:
 *     nest, enum kvxlan_stats_a. EVENT: u8.
 *
 * FDB entry (enum kvxlan_fdb_a)
 *     MAC: binary, 6 bytes; unicast and non-zero for ADD/REPLACE,
 *         multicast for APPEND.
 *     ADDR: binary, 4 or 16 bytes, unicast: the remote VTEP.
 *     PORT: u16, host order, 1..65535; absent: the device's port.
 *     VNI: u32, 0..16777215; absent: the device's VNI.
 *     KIND: u8, enum kvxlan_fdb_kind.
 *     CREATED, UPDATED, USED: u64, milliseconds since the entry was
 *         created, last confirmed (learned entries age from this), last
 *         used to send; all 64 bits are meaningful (older modules wrapped
 *         the value to 32 bits, after 49.7 days).
 *     HITS: u64, frames sent through the entry. MOVES: u64, times a
 *         learned entry moved to another remote.
 *
 * Remote VTEP (enum kvxlan_remote_a)
 *     ADDR, PORT, VNI: as in an FDB entry; ADDR may be multicast in the
 *     flood list. IFINDEX: u32, the underlay device of a group. TX_PACKETS, TX_BYTES,
 *     RX_PACKETS, RX_BYTES: u64, encapsulated frames sent to / received
 *     from that address; bytes count the inner frame from its network
 *     header on, as the device counters of "ip -s link" do. FLOOD_COPIES: u64, frames of
 *     TX_PACKETS that were flood copies. FDB_REFS: u32, FDB entries that
 *     point at the remote.
 *
 * Counters (enum kvxlan_stats_a), all u64
 *     RX_DROP_* and TX_DROP_*: the device's drops by reason, the same as
 *     "ethtool -S". LEARNED: entries learned. MOVED: moves. AGED: entries
 *     aged out. LEARN_LIMIT: sources not learned because MAX_LEARNED was
 *     reached. LEARN_DAMPENED: sources not relearned because the MAC moved
 *     too often (more than DAMPEN_MOVES moves within DAMPEN_WINDOW
 *     seconds; relearning resumes DAMPEN_HOLD seconds later).
 *     PROXY_ANSWERED: ARP requests and neighbour solicitations the device
 *     answered itself (IFLA_KVXLAN_PROXY). PROXY_FLOODED: those it could
 *     not answer that went to the flood list (a broadcast or multicast
 *     destination, or a unicast one without an FDB entry); those sent to
 *     a destination's FDB entry are not counted. Neither is a drop: they
 *     count in none of "ip -s link"'s drop counters.
 */
#ifndef _UAPI_LINUX_KVXLAN_H
#define _UAPI_LINUX_KVXLAN_H

#include <linux/types.h>

#define KVXLAN_KIND		"kvxlan"
#define KVXLAN_DEFAULT_PORT	4789
#define KVXLAN_VNI_MAX		0xffffff
#define KVXLAN_TOS_INHERIT	1
#define KVXLAN_DEFAULT_AGEING	300
/*
 * The largest IFLA_KVXLAN_AGEING: entries are aged by comparing jiffies,
 * which works within half the range of an unsigned long; 10^6 seconds
 * stays well inside it on 32-bit hosts with HZ up to 2000.
 */
#define KVXLAN_AGEING_MAX	1000000
#define KVXLAN_DEFAULT_MAX_LEARNED 65536
#define KVXLAN_FLOWLABEL_MAX	0xfffff
#define KVXLAN_FLOWLABEL_AUTO	(KVXLAN_FLOWLABEL_MAX + 1)

enum {
	IFLA_KVXLAN_UNSPEC,
	IFLA_KVXLAN_VNI,
	IFLA_KVXLAN_LOCAL,
	IFLA_KVXLAN_REMOTE,
	IFLA_KVXLAN_LINK,
	IFLA_KVXLAN_PORT,
	IFLA_KVXLAN_PORT_RANGE,
	IFLA_KVXLAN_TTL,
	IFLA_KVXLAN_TOS,
	IFLA_KVXLAN_DF,
	IFLA_KVXLAN_LEARNING,
	IFLA_KVXLAN_AGEING,
	IFLA_KVXLAN_MAX_LEARNED,
	IFLA_KVXLAN_GROUP,
	IFLA_KVXLAN_UDP_CSUM,
	IFLA_KVXLAN_UDP6_ZERO_CSUM_TX,
	IFLA_KVXLAN_UDP6_ZERO_CSUM_RX,
	IFLA_KVXLAN_FLOWLABEL,
	IFLA_KVXLAN_DAMPEN_MOVES,
	IFLA_KVXLAN_DAMPEN_WINDOW,
	IFLA_KVXLAN_DAMPEN_HOLD,
	IFLA_KVXLAN_PEERS_ONLY,
	IFLA_KVXLAN_PROXY,
	__IFLA_KVXLAN_MAX
};
#define IFLA_KVXLAN_MAX (__IFLA_KVXLAN_MAX - 1)

/* IFLA_KVXLAN_PORT_RANGE, host byte order */
struct kvxlan_port_range {
	__u16 low;
	__u16 high;
};

/* IFLA_KVXLAN_DF */
enum kvxlan_df {
	KVXLAN_DF_UNSET,	/* never set DF on the outer header */
	KVXLAN_DF_SET,		/* always set DF */
	KVXLAN_DF_INHERIT,	/* copy DF from an inner IPv4 header */
	__KVXLAN_DF_MAX
};
#define KVXLAN_DF_MAX (__KVXLAN_DF_MAX - 1)

/* Generic netlink family */
#define KVXLAN_GENL_NAME	"kvxlan"
#define KVXLAN_GENL_VERSION	1
#define KVXLAN_MCGRP_EVENTS	"events"

#define KVXLAN_FLOOD_MAX	4096
/* The most remotes in one multicast MAC's list (KVXLAN_CMD_FDB_APPEND) */
#define KVXLAN_FDB_REMOTES_MAX	1024
/* MAC-move dampening defaults, IFLA_KVXLAN_DAMPEN_* */
#define KVXLAN_DAMPEN_MOVES	5
#define KVXLAN_DAMPEN_WINDOW	10
#define KVXLAN_DAMPEN_HOLD	30
#define KVXLAN_DAMPEN_MOVES_MAX	65535
#define KVXLAN_DAMPEN_WINDOW_MAX 3600
#define KVXLAN_DAMPEN_HOLD_MAX	86400

enum kvxlan_cmd {
	KVXLAN_CMD_UNSPEC,
	KVXLAN_CMD_DEV_GET,
	KVXLAN_CMD_FDB_ADD,
	KVXLAN_CMD_FDB_REPLACE,
	KVXLAN_CMD_FDB_DEL,
	KVXLAN_CMD_FDB_GET,
	KVXLAN_CMD_FDB_FLUSH,
	KVXLAN_CMD_FLOOD_ADD,
	KVXLAN_CMD_FLOOD_DEL,
	KVXLAN_CMD_FLOOD_GET,
	KVXLAN_CMD_FLOOD_REPLACE,
	KVXLAN_CMD_REMOTE_GET,
	KVXLAN_CMD_FDB_NTF,
	KVXLAN_CMD_GROUP_ADD,
	KVXLAN_CMD_GROUP_DEL,
	KVXLAN_CMD_GROUP_GET,
	KVXLAN_CMD_FDB_APPEND,
	__KVXLAN_CMD_MAX
};
#define KVXLAN_CMD_MAX (__KVXLAN_CMD_MAX - 1)

enum kvxlan_a {
	KVXLAN_A_UNSPEC,
	KVXLAN_A_PAD,
	KVXLAN_A_IFINDEX,
	KVXLAN_A_VNI,
	KVXLAN_A_PORT,
	KVXLAN_A_LEARNING,
	KVXLAN_A_AGEING,
	KVXLAN_A_MAX_LEARNED,
	KVXLAN_A_FDB_STATIC,
	KVXLAN_A_FDB_LEARNED,
	KVXLAN_A_FDB,
	KVXLAN_A_REMOTE,
	KVXLAN_A_STATS,
	KVXLAN_A_EVENT,
	KVXLAN_A_DAMPEN_MOVES,
	KVXLAN_A_DAMPEN_WINDOW,
	KVXLAN_A_DAMPEN_HOLD,
	__KVXLAN_A_MAX
};
#define KVXLAN_A_MAX (__KVXLAN_A_MAX - 1)

enum kvxlan_fdb_a {
	KVXLAN_FDB_A_UNSPEC,
	KVXLAN_FDB_A_PAD,
	KVXLAN_FDB_A_MAC,
	KVXLAN_FDB_A_ADDR,
	KVXLAN_FDB_A_PORT,
	KVXLAN_FDB_A_VNI,
	KVXLAN_FDB_A_KIND,
	KVXLAN_FDB_A_CREATED,
	KVXLAN_FDB_A_UPDATED,
	KVXLAN_FDB_A_USED,
	KVXLAN_FDB_A_HITS,
	KVXLAN_FDB_A_MOVES,
	__KVXLAN_FDB_A_MAX
};
#define KVXLAN_FDB_A_MAX (__KVXLAN_FDB_A_MAX - 1)

enum kvxlan_fdb_kind {
	KVXLAN_FDB_KIND_UNSPEC,
	KVXLAN_FDB_KIND_STATIC,
	KVXLAN_FDB_KIND_LEARNED,
	__KVXLAN_FDB_KIND_MAX
};
#define KVXLAN_FDB_KIND_MAX (__KVXLAN_FDB_KIND_MAX - 1)

enum kvxlan_remote_a {
	KVXLAN_REMOTE_A_UNSPEC,
	KVXLAN_REMOTE_A_PAD,
	KVXLAN_REMOTE_A_ADDR,
	KVXLAN_REMOTE_A_PORT,
	KVXLAN_REMOTE_A_VNI,
	KVXLAN_REMOTE_A_TX_PACKETS,
	KVXLAN_REMOTE_A_TX_BYTES,
	KVXLAN_REMOTE_A_RX_PACKETS,
	KVXLAN_REMOTE_A_RX_BYTES,
	KVXLAN_REMOTE_A_FLOOD_COPIES,
	KVXLAN_REMOTE_A_FDB_REFS,
	KVXLAN_REMOTE_A_IFINDEX,
	__KVXLAN_REMOTE_A_MAX
};
#define KVXLAN_REMOTE_A_MAX (__KVXLAN_REMOTE_A_MAX - 1)

enum kvxlan_stats_a {
	KVXLAN_STATS_A_UNSPEC,
	KVXLAN_STATS_A_PAD,
	KVXLAN_STATS_A_RX_DROP_SHORT_INNER,
	KVXLAN_STATS_A_RX_DROP_ECN,
	KVXLAN_STATS_A_RX_DROP_BAD_SRC_MAC,
	KVXLAN_STATS_A_RX_DROP_OWN_MAC,
	KVXLAN_STATS_A_TX_DROP_SHORT,
	KVXLAN_STATS_A_TX_DROP_NO_REMOTE,
	KVXLAN_STATS_A_TX_DROP_NO_ROUTE,
	KVXLAN_STATS_A_TX_DROP_LOOP,
	KVXLAN_STATS_A_TX_DROP_NOMEM,
	KVXLAN_STATS_A_TX_DROP_DOWN,
	KVXLAN_STATS_A_LEARNED,
	KVXLAN_STATS_A_MOVED,
	KVXLAN_STATS_A_AGED,
	KVXLAN_STATS_A_LEARN_LIMIT,
	KVXLAN_STATS_A_LEARN_DAMPENED,
	KVXLAN_STATS_A_RX_DROP_UDP6_ZERO_CSUM,
	KVXLAN_STATS_A_RX_DROP_UNKNOWN_PEER,
	KVXLAN_STATS_A_RX_DROP_OVERSIZE,
	KVXLAN_STATS_A_PROXY_ANSWERED,
	KVXLAN_STATS_A_PROXY_FLOODED,
	__KVXLAN_STATS_A_MAX
};
#define KVXLAN_STATS_A_MAX (__KVXLAN_STATS_A_MAX - 1)

/* KVXLAN_A_EVENT */
enum kvxlan_event {
	KVXLAN_EVENT_UNSPEC,
	KVXLAN_EVENT_ADDED,	/* static entry added by an administrator */
	KVXLAN_EVENT_REPLACED,	/* entry overwritten by an administrator */
	KVXLAN_EVENT_DELETED,	/* deleted by an administrator or a flush */
	KVXLAN_EVENT_LEARNED,	/* new learned entry */
	KVXLAN_EVENT_MOVED,	/* learned entry now points at another remote */
	KVXLAN_EVENT_AGED,	/* learned entry aged out */
	KVXLAN_EVENT_APPENDED,	/* remote appended to a multicast MAC's list */
	KVXLAN_EVENT_REMOVED,	/* remote removed from it; the entry stays */
	__KVXLAN_EVENT_MAX
};
#define KVXLAN_EVENT_MAX (__KVXLAN_EVENT_MAX - 1)

#endif /* _UAPI_LINUX_KVXLAN_H */
