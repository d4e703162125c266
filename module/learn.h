/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: learning, MAC-move dampening, ageing (learn.c).
 */
#ifndef _KVX_LEARN_H
#define _KVX_LEARN_H

#include "kvx.h"
#include "device.h"
#include "fdb.h"
#include "remote.h"

struct kvx_cfg;
struct work_struct;

void kvx_fdb_learn_other(struct kvx_dev *kvx, struct kvx_fdb *f,
			 const u8 *mac, const struct kvx_ip *src,
			 const struct kvx_cfg *cfg, unsigned int len);

/*
 * Receive path, under RCU with BHs off: @mac (a valid unicast source MAC)
 * was seen behind the VTEP @src. Counts the packet for that remote too.
 * Inline for the common case, an entry that is already current: one
 * lookup, one compare, the remote's counters, and no write to the entry
 * unless its jiffies stamp moved. The rest is kvx_fdb_learn_other().
 */
static __always_inline void kvx_fdb_learn(struct kvx_dev *kvx, const u8 *mac,
					  const struct kvx_ip *src,
					  const struct kvx_cfg *cfg,
					  unsigned int len)
{
	struct kvx_fdb *f = kvx_fdb_lookup_in(&kvx->fdb, mac);
	struct kvx_remote *r;

	if (likely(f)) {
		r = rcu_dereference(f->remote);
		if (likely(kvx_ip_eq(&r->ip, src))) {
			kvx_remote_count_rx(r, len);
			if (READ_ONCE(f->kind) == KVXLAN_FDB_KIND_LEARNED)
				kvx_touch(&f->updated);
			return;
		}
	}
	kvx_fdb_learn_other(kvx, f, mac, src, cfg, len);
}

void kvx_fdb_count_rx(struct kvx_dev *kvx, const struct kvx_ip *src,
		      unsigned int len);
void kvx_fdb_start_ageing(struct kvx_dev *kvx);
void kvx_fdb_age(struct work_struct *work);

#endif /* _KVX_LEARN_H */
