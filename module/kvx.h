/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: what every file of the module shares: addresses, the encapsulation's
 * sizes and the per network namespace state (main.c). Each file's own API is
 * in its header (device.h, fdb.h, ...); module/README maps files and locks.
 */
#ifndef _KVX_H
#define _KVX_H

#include <linux/netdevice.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/if_ether.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <linux/kvxlan.h>

#include "compat.h"

/* Outer headers in front of the inner Ethernet frame. */
#define KVX_VXLAN_HLEN	(sizeof(struct udphdr) + 8)
#define KVX_HEADROOM4	(sizeof(struct iphdr) + KVX_VXLAN_HLEN)
#define KVX_HEADROOM6	(sizeof(struct ipv6hdr) + KVX_VXLAN_HLEN)
/* What the MTU gives up to the encapsulation: outer IP/UDP/VXLAN and the
 * inner Ethernet header: 50 bytes over IPv4, 70 over IPv6.
 */
#define KVX_MTU_OVERHEAD4	(KVX_HEADROOM4 + ETH_HLEN)
#define KVX_MTU_OVERHEAD6	(KVX_HEADROOM6 + ETH_HLEN)

/* A device's sockets, one per underlay family: kvx_dev.sock[] */
enum { KVX_SOCK4, KVX_SOCK6, KVX_NSOCKS };

static inline int kvx_sock_idx(sa_family_t family)
{
	return family == AF_INET6 ? KVX_SOCK6 : KVX_SOCK4;
}

/*
 * An IP address of either family. Hashed and compared as bytes, so every
 * instance starts zeroed (kvx_ip_from_nla() and friends do it).
 */
struct kvx_ip {
	union {
		__be32 v4;
		struct in6_addr v6;
	};
	u16 family;			/* AF_UNSPEC: none */
	u16 pad;
};

static inline bool kvx_ip_set(const struct kvx_ip *ip)
{
	return ip->family != AF_UNSPEC;
}

static inline bool kvx_ip_eq(const struct kvx_ip *a, const struct kvx_ip *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* "use the device's VNI" in FDB and flood entries */
#define KVX_VNI_DEV	U32_MAX

/*
 * Stamps a time written locklessly by the data path; the store is skipped
 * when nothing changed so that busy entries do not bounce cache lines.
 */
static inline void kvx_touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/* mcast.c's concern, but every control plane checks for it */
static inline bool kvx_ip_multicast(const struct kvx_ip *ip)
{
	return ip->family == AF_INET ? ipv4_is_multicast(ip->v4) :
	       ip->family == AF_INET6 && ipv6_addr_is_multicast(&ip->v6);
}

struct kvx_dev;
struct kvx_pcpu_cnt;

/* Per network namespace state. */
#define KVX_DEV_HASH_BITS	8

struct kvx_net {
	struct net *net;
	/* the devices whose link namespace this is, wherever they live */
	struct list_head devs;		/* RTNL */
	/* the same devices by (VNI, port), for the clash check; RTNL */
	struct hlist_head dev_hash[1 << KVX_DEV_HASH_BITS];
	struct list_head socks;		/* open kvx_socks, RTNL */
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_net_cnt */
};

extern unsigned int kvx_net_id;

static inline struct kvx_net *kvx_net(const struct net *net)
{
	return net_generic(net, kvx_net_id);
}

#endif /* _KVX_H */
