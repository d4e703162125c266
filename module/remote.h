/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the remote VTEPs of a device (remote.c).
 */
#ifndef _KVX_REMOTE_H
#define _KVX_REMOTE_H

#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>

#include "kvx.h"
#include "walk.h"

/* Per remote VTEP counters (KVXLAN_REMOTE_A_*). */
struct kvx_remote_pcpu {
	struct u64_stats_sync syncp;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t flood_copies;
};

struct kvx_remote_pos {
	u64 seq;
	struct kvx_ip ip;
};

/*
 * A remote VTEP known to a device, shared by the FDB entries and flood
 * entries that name it. Lives in kvx_dev.remotes while refs > 0.
 */
struct kvx_remote {
	struct rhash_head node;		/* in kvx_dev.remotes */
	struct kvx_ord ord;		/* in kvx_dev.remote_list */
	struct kvx_ip ip;		/* the key */
	u32 refs;			/* FDB + flood entries; fdb_lock */
	u32 fdb_refs;			/* FDB entries alone; fdb_lock */
	struct dst_cache dst_cache;	/* the route to ip, per CPU */
	struct kvx_remote_pcpu __percpu *stats;
	struct rcu_head rcu;
};

typedef int (*kvx_remote_visit_t)(struct kvx_dev *kvx, struct kvx_remote *r,
				  void *arg);

int kvx_remote_table_init(struct kvx_dev *kvx);
void kvx_remote_table_uninit(struct kvx_dev *kvx);
struct kvx_remote *kvx_remote_lookup(struct kvx_dev *kvx,
				     const struct kvx_ip *ip);
struct kvx_remote *kvx_remote_alloc(const struct kvx_ip *ip, gfp_t gfp);
void kvx_remote_free(struct kvx_remote *r);
struct kvx_remote *kvx_remote_get(struct kvx_dev *kvx,
				  const struct kvx_ip *ip);
struct kvx_remote *kvx_remote_get_spare(struct kvx_dev *kvx,
					const struct kvx_ip *ip,
					struct kvx_remote **spare);
void kvx_remote_put(struct kvx_dev *kvx, struct kvx_remote *r);
/* kvx_fdb_walk() (fdb.h) for the remotes, without a budget. */
int kvx_remote_walk(struct kvx_dev *kvx, struct kvx_remote_pos *pos,
		    kvx_remote_visit_t fn, void *arg);

/*
 * The data path's counters of a remote. Called from ndo_start_xmit and
 * from the receive softirq, where BHs are off: the CPU cannot change
 * under them, so this_cpu_ptr() without get_cpu_ptr()'s preemption
 * toggle. Inline: one call fewer per frame each way.
 */
static inline void kvx_remote_count_tx(struct kvx_remote *r, unsigned int len,
				       bool flood)
{
	struct kvx_remote_pcpu *s = this_cpu_ptr(r->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	if (flood)
		u64_stats_inc(&s->flood_copies);
	u64_stats_update_end(&s->syncp);
}

static inline void kvx_remote_count_rx(struct kvx_remote *r, unsigned int len)
{
	struct kvx_remote_pcpu *s = this_cpu_ptr(r->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

#endif /* _KVX_REMOTE_H */
