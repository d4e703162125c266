// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the FDB walker and what runs on it: the filters of dumps and
 * flushes, and the flushes (declared in fdb.h with the rest of the FDB).
 *
 * Walkers (the genl and "bridge fdb" dumps, the ageing sweep, flushes) do
 * not walk the hash tables: each entry and remote is also on a list in
 * creation order (struct kvx_ord), and a walk resumes after the last
 * object it visited, found again by its key and sequence number. Resizes
 * and rehashes of the tables do not move anything on the lists, so a walk
 * split into many parts visits each object that lives through it exactly
 * once (objects added or deleted meanwhile may be seen or not).
 */
#include <linux/etherdevice.h>

#include "device.h"
#include "fdb.h"
#include "mdst.h"

#define KVX_FLUSH_BATCH		1024	/* entries per hold of fdb_lock */

/* Does the remote @e of @f match @flt? */
bool kvx_fdb_match_dst(const struct kvx_fdb *f, const struct kvx_flood_ent *e,
		       const struct kvx_fdb_filter *flt)
{
	if (flt->kind && READ_ONCE(f->kind) != flt->kind)
		return false;
	if (flt->vni != KVX_VNI_DEV &&
	    (e->vni == KVX_VNI_DEV ? flt->dev_vni : e->vni) != flt->vni)
		return false;
	if (kvx_ip_set(&flt->ip) && !kvx_ip_eq(&e->remote->ip, &flt->ip))
		return false;
	return true;
}

/*
 * Does @f match @flt? An entry with several remotes: does any of them?
 * Under RCU: its callers are kvx_fdb_walk()'s visitors.
 */
bool kvx_fdb_match(const struct kvx_fdb *f, const struct kvx_fdb_filter *flt)
{
	const struct kvx_flood *l = rcu_dereference(f->mdst);
	struct kvx_flood_ent one = {
		.remote = rcu_dereference(f->remote),
		.port = READ_ONCE(f->port),
		.vni = READ_ONCE(f->vni),
	};
	unsigned int i;

	if (!l)
		return kvx_fdb_match_dst(f, &one, flt);
	for (i = 0; i < l->n; i++)
		if (kvx_fdb_match_dst(f, &l->ent[i], flt))
			return true;
	return false;
}

struct kvx_walk_arg {
	struct kvx_dev *kvx;
	kvx_fdb_visit_t fdb_fn;
	void *arg;
};

static int kvx_fdb_walk_one(void *obj, void *arg)
{
	struct kvx_walk_arg *w = arg;

	return w->fdb_fn(w->kvx, obj, w->arg);
}

int kvx_fdb_walk(struct kvx_dev *kvx, enum kvx_fdb_walk_list list,
		 struct kvx_fdb_pos *pos, unsigned int budget,
		 kvx_fdb_visit_t fn, void *arg)
{
	struct kvx_walk_arg w = { .kvx = kvx, .fdb_fn = fn, .arg = arg };
	struct kvx_walk_list wl = {
		.head = &kvx->fdb_list,
		.node_off = offsetof(struct kvx_fdb, ord.list),
		.ord_off = offsetof(struct kvx_fdb, ord),
	};
	struct kvx_fdb *at = NULL;
	struct list_head *p;
	void *last;
	int ret;

	if (list == KVX_WALK_LEARNED) {
		wl.head = &kvx->learned;
		wl.node_off = offsetof(struct kvx_fdb, learned);
	}
	rcu_read_lock();
	if (pos->seq) {
		at = kvx_fdb_lookup(kvx, pos->mac);
		/* a learned entry replaced by a static one left the list */
		if (at && list == KVX_WALK_LEARNED &&
		    READ_ONCE(at->kind) != KVXLAN_FDB_KIND_LEARNED)
			at = NULL;
		p = kvx_walk_start(&wl, at, pos->seq);
	} else {
		p = rcu_dereference(list_next_rcu(wl.head));
	}
	ret = kvx_walk(&wl, p, budget, &last, kvx_fdb_walk_one, &w);
	if (last) {
		at = last;
		pos->seq = at->ord.seq;
		ether_addr_copy(pos->mac, at->mac);
	}
	rcu_read_unlock();
	return ret;
}

struct kvx_flush_arg {
	const struct kvx_fdb_filter *flt;
	enum kvxlan_event event;
	unsigned int n;
};

static int kvx_fdb_flush_one(struct kvx_dev *kvx, struct kvx_fdb *f,
			     void *arg)
{
	struct kvx_flush_arg *fa = arg;

	lockdep_assert_held(&kvx->fdb_lock);
	if (!kvx_fdb_match(f, fa->flt))
		return 0;
	/* a multicast MAC's list loses the remotes that match, if not all */
	if (fa->event && rcu_access_pointer(f->mdst) &&
	    !kvx_mdst_flush(kvx, f, fa->flt))
		return 0;
	kvx_fdb_destroy(kvx, f, fa->event);
	fa->n++;
	return KVX_WALK_GONE;
}

/*
 * One walk over the table deleting what matches @flt; how many. The lock
 * is dropped between batches so that a flush of a million entries does
 * not stall the data path; entries added meanwhile may be left.
 */
unsigned int kvx_fdb_flush_event(struct kvx_dev *kvx,
				 const struct kvx_fdb_filter *flt,
				 enum kvxlan_event event)
{
	struct kvx_flush_arg fa = { .flt = flt, .event = event };
	struct kvx_fdb_pos pos = {};
	int ret;

	do {
		spin_lock_bh(&kvx->fdb_lock);
		ret = kvx_fdb_walk(kvx, KVX_WALK_ALL, &pos, KVX_FLUSH_BATCH,
				   kvx_fdb_flush_one, &fa);
		spin_unlock_bh(&kvx->fdb_lock);
		cond_resched();
	} while (ret == -EAGAIN);
	return fa.n;
}

/* Deletes the entries that match @flt (all without filters); how many. */
unsigned int kvx_fdb_flush(struct kvx_dev *kvx,
			   const struct kvx_fdb_filter *flt)
{
	return kvx_fdb_flush_event(kvx, flt, KVXLAN_EVENT_DELETED);
}
