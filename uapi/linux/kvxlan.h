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
 * IFLA_KVXLAN_VNI: NLA_U32, 0..16777215, required on creation.
 *     The 24-bit VXLAN Network Identifier. Within a network namespace, at
 *     most one kvxlan device may use a given (VNI, UDP port) pair.
 *
 * IFLA_KVXLAN_LOCAL: binary, 4 bytes (struct in_addr) or 16 bytes
 *     (struct in6_addr). The outer source address; unset (the default) lets
 *     the routing table choose. Its family must match the remote's.
 *
 * IFLA_KVXLAN_REMOTE: binary, 4 or 16 bytes. The remote VTEP that every
 *     frame is sent to. Without a remote the device sends nothing (frames
 *     are dropped and counted as "tx_drop_no_remote"). A zero-length
 *     attribute on changelink removes the remote.
 *
 * IFLA_KVXLAN_LINK: NLA_U32. The ifindex of the underlay device: outer
 *     packets are routed out of it only, and it sets the default and maximum
 *     MTU. 0 (the default) means no underlay device is bound.
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
 * IFLA_KVXLAN_AGEING: NLA_U32, seconds, default 300. How long a learned
 *     FDB entry lives without traffic. 0 means learned entries never age.
 *
 * IFLA_KVXLAN_MAX_LEARNED: NLA_U32, default 0 (no limit). The largest
 *     number of learned FDB entries; static entries are not counted.
 */
#ifndef _UAPI_LINUX_KVXLAN_H
#define _UAPI_LINUX_KVXLAN_H

#include <linux/types.h>

#define KVXLAN_KIND		"kvxlan"
#define KVXLAN_DEFAULT_PORT	4789
#define KVXLAN_VNI_MAX		0xffffff
#define KVXLAN_TOS_INHERIT	1
#define KVXLAN_DEFAULT_AGEING	300

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

#endif /* _UAPI_LINUX_KVXLAN_H */
