/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: private definitions shared by the module's files.
 *
 * Locking, in one place:
 *   - RTNL protects every configuration change: the per-netns lists of
 *     devices and sockets, each device's cfg pointer and socket pointer, and
 *     the VNI hash chains of every socket.
 *   - The data path (xmit, rcv) takes no lock: it reads cfg, sock and the
 *     VNI hash under RCU. Replaced objects are freed after a grace period.
 */
#ifndef _KVX_H
#define _KVX_H

#include <linux/netdevice.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/netns/generic.h>
#include <linux/kvxlan.h>

#include "compat.h"

/* Outer headers in front of the inner Ethernet frame (IPv4 underlay). */
#define KVX_VXLAN_HLEN	(sizeof(struct udphdr) + 8)
#define KVX_HEADROOM4	(sizeof(struct iphdr) + KVX_VXLAN_HLEN)
/* What the MTU gives up to the encapsulation: outer IP/UDP/VXLAN and the
 * inner Ethernet header.
 */
#define KVX_MTU_OVERHEAD4	(KVX_HEADROOM4 + ETH_HLEN)

#define KVX_VNI_HASH_BITS	8

union kvx_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

static inline bool kvx_addr_set(const union kvx_addr *a)
{
	return a->sa.sa_family != AF_UNSPEC;
}

/*
 * A device's configuration. Published through kvx_dev.cfg and never
 * modified once published: a change builds a new one (RTNL) and frees the
 * old one after an RCU grace period.
 */
struct kvx_cfg {
	union kvx_addr local;		/* AF_UNSPEC: chosen by routing */
	union kvx_addr remote;		/* AF_UNSPEC: no remote */
	sa_family_t family;		/* underlay family */
	u32 vni;
	int link;			/* underlay ifindex, 0 for none */
	__be16 port;
	u16 port_min;
	u16 port_max;
	u8 ttl;
	u8 tos;
	u8 df;
	bool learning;
	u32 ageing;
	u32 max_learned;
	struct dst_cache dst_cache;	/* route to remote, per CPU */
	struct rcu_head rcu;
};

/* Per-CPU counters, indexed by one of the enums below. */
struct kvx_pcpu_cnt {
	struct u64_stats_sync syncp;
	u64_stats_t v[];
};

/* Drops counted on a device (shown by ethtool -S). */
enum kvx_dev_cnt {
	KVX_RX_DROP_SHORT_INNER,	/* no whole inner Ethernet/IP header */
	KVX_RX_DROP_ECN,		/* CE on a not-ECT inner packet */
	KVX_TX_DROP_SHORT,		/* frame shorter than an Ethernet header */
	KVX_TX_DROP_NO_REMOTE,		/* nowhere to send */
	KVX_TX_DROP_NO_ROUTE,		/* no route to the remote */
	KVX_TX_DROP_LOOP,		/* route to the remote via this device */
	KVX_TX_DROP_NOMEM,		/* headroom or offload setup failed */
	KVX_TX_DROP_DOWN,		/* raced with the device going down */
	__KVX_DEV_CNT_MAX
};
#define KVX_DEV_CNT_FIRST_TX	KVX_TX_DROP_SHORT

/* Drops counted per network namespace, before a device is known. */
enum kvx_net_cnt {
	KVX_NET_DROP_SHORT_HEADER,	/* shorter than the VXLAN header */
	KVX_NET_DROP_NO_VNI_FLAG,	/* I flag clear */
	KVX_NET_DROP_RESERVED_BITS,	/* a reserved bit set */
	KVX_NET_DROP_UNKNOWN_VNI,	/* no device up with that VNI */
	__KVX_NET_CNT_MAX
};

/* The larger of the two enums above. */
#define KVX_CNT_MAX	__KVX_DEV_CNT_MAX

extern const char * const kvx_dev_cnt_names[__KVX_DEV_CNT_MAX];
extern const char * const kvx_net_cnt_names[__KVX_NET_CNT_MAX];

struct kvx_pcpu_cnt __percpu *kvx_cnt_alloc(unsigned int n);
void kvx_cnt_sum(struct kvx_pcpu_cnt __percpu *pcnt, unsigned int n, u64 *out);

static inline void kvx_cnt_inc(struct kvx_pcpu_cnt __percpu *pcnt,
			       unsigned int i)
{
	struct kvx_pcpu_cnt *c = get_cpu_ptr(pcnt);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->v[i]);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(pcnt);
}

/*
 * A kernel UDP tunnel socket, one per (netns, port, family), shared by
 * every kvxlan device of the namespace that is up on that port.
 */
struct kvx_sock {
	struct list_head list;		/* in kvx_net.socks, RTNL */
	struct socket *sock;
	struct kvx_net *kn;
	unsigned int users;		/* devices attached, RTNL */
	__be16 port;
	sa_family_t family;
	struct hlist_head vni_hash[1 << KVX_VNI_HASH_BITS]; /* RTNL / RCU */
	struct rcu_head rcu;
};

/* Per network namespace state. */
struct kvx_net {
	struct net *net;
	struct list_head devs;		/* every kvxlan device here, RTNL */
	struct list_head socks;		/* open kvx_socks, RTNL */
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_net_cnt */
};

/* netdev_priv() of a kvxlan device. */
struct kvx_dev {
	struct net_device *dev;
	struct kvx_net *kn;
	struct list_head list;		/* in kvx_net.devs, RTNL */
	struct kvx_cfg __rcu *cfg;	/* RTNL writers, RCU readers */
	struct kvx_sock __rcu *sock;	/* set while up; RTNL / RCU */
	struct hlist_node vni_node;	/* in sock->vni_hash; RTNL / RCU */
	u32 vni_key;			/* VNI it is hashed under, RTNL */
	struct gro_cells gro_cells;
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_dev_cnt */
};

extern unsigned int kvx_net_id;

static inline struct kvx_net *kvx_net(const struct net *net)
{
	return net_generic(net, kvx_net_id);
}

/* device.c */
extern struct rtnl_link_ops kvx_link_ops;
void kvx_net_destroy_devs(struct kvx_net *kn);

/* socket.c */
int kvx_sock_attach(struct kvx_dev *kvx);
void kvx_sock_detach(struct kvx_dev *kvx);
struct kvx_dev *kvx_sock_lookup_vni(struct kvx_sock *vs, u32 vni);

/* xmit.c */
netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev);

/* rcv.c */
int kvx_udp_encap_rcv(struct sock *sk, struct sk_buff *skb);

/* stats.c */
extern const struct ethtool_ops kvx_ethtool_ops;
void kvx_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
int kvx_proc_init(struct kvx_net *kn);
void kvx_proc_exit(struct kvx_net *kn);

#endif /* _KVX_H */
