/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: device and namespace counters, ethtool -S, /proc (stats.c).
 */
#ifndef _KVX_STATS_H
#define _KVX_STATS_H

#include <linux/u64_stats_sync.h>
#include "kvx.h"

/* Per-CPU counters, indexed by one of the enums below. */
struct kvx_pcpu_cnt {
	struct u64_stats_sync syncp;
	u64_stats_t v[];
};

/*
 * Device counters (ethtool -S), in the order of KVXLAN_STATS_A_* from
 * KVXLAN_STATS_A_RX_DROP_SHORT_INNER on: rx drops, tx drops, learning.
 */
enum kvx_dev_cnt {
	KVX_RX_DROP_SHORT_INNER,	/* no whole inner Ethernet/IP header */
	KVX_RX_DROP_ECN,		/* CE on a not-ECT inner packet */
	KVX_RX_DROP_BAD_SRC_MAC,	/* learning on, source multicast/zero */
	KVX_RX_DROP_OWN_MAC,		/* learning on, source is our MAC */
	KVX_TX_DROP_SHORT,		/* frame shorter than an Ethernet header */
	KVX_TX_DROP_NO_REMOTE,		/* nowhere to send */
	KVX_TX_DROP_NO_ROUTE,		/* no route to the remote */
	KVX_TX_DROP_LOOP,		/* route to the remote via this device */
	KVX_TX_DROP_NOMEM,		/* headroom, clone or offload failed */
	KVX_TX_DROP_DOWN,		/* raced with the device going down */
	KVX_FDB_LEARNED,		/* entries learned */
	KVX_FDB_MOVED,			/* learned entries moved */
	KVX_FDB_AGED,			/* learned entries aged out */
	KVX_FDB_LEARN_LIMIT,		/* not learned: max-learned reached */
	KVX_FDB_LEARN_DAMPENED,		/* not relearned: moving too often */
	KVX_RX_DROP_UDP6_ZERO_CSUM,	/* IPv6, UDP checksum 0, not allowed */
	KVX_RX_DROP_UNKNOWN_PEER,	/* peers-only, sender not a remote */
	KVX_RX_DROP_OVERSIZE,		/* inner frame larger than the MTU */
	KVX_PROXY_ANSWERED,		/* ARP/NS answered locally (proxy.c) */
	KVX_PROXY_FLOODED,		/* ARP/NS not answered, flooded */
	__KVX_DEV_CNT_MAX
};

#define KVX_DEV_CNT_FIRST_TX	KVX_TX_DROP_SHORT
#define KVX_DEV_CNT_FIRST_FDB	KVX_FDB_LEARNED

/*
 * Counters appended later (the uapi order is fixed) follow the FDB ones:
 * rx drops, then the proxy's, which count no drop.
 */
#define KVX_DEV_CNT_FIRST_LATE_RX	KVX_RX_DROP_UDP6_ZERO_CSUM
#define KVX_DEV_CNT_FIRST_PROXY		KVX_PROXY_ANSWERED

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

extern const char * const kvx_dev_cnt_names[];
extern const char * const kvx_net_cnt_names[];

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

/* stats.c */
extern const struct ethtool_ops kvx_ethtool_ops;
void kvx_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
int kvx_proc_init(struct kvx_net *kn);
void kvx_proc_exit(struct kvx_net *kn);

#endif /* _KVX_STATS_H */
