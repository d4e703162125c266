// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the forwarding table (MAC -> remote VTEP): static entries set,
 * replaced and deleted, the FDB walker and flushes. The remote VTEPs it
 * names are in remote.c, learning and ageing in learn.c, the multicast
 * MACs' lists of remotes in mdst.c.
 *
 * Readers (xmit, rcv) look entries and remotes up in their hash tables
 * under RCU. Every change happens under kvx_dev.fdb_lock; entries and
 * remotes are freed after an RCU grace period.
 *
 * The FDB walker and the flushes are in fdb_walk.c.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "bridge.h"
#include "device.h"
#include "fdb.h"
#include "flood.h"
#include "learn.h"
#include "mdst.h"
#include "netlink.h"

static struct kmem_cache *kvx_fdb_cache;

int __init kvx_fdb_cache_init(void)
{
	kvx_fdb_cache = KMEM_CACHE(kvx_fdb, 0);
	return kvx_fdb_cache ? 0 : -ENOMEM;
}

void kvx_fdb_cache_exit(void)
{
	kmem_cache_destroy(kvx_fdb_cache);
}

/* ----- FDB entries ----- */

struct kvx_fdb *kvx_fdb_lookup(struct kvx_dev *kvx, const u8 *mac)
{
	return kvx_fdb_lookup_in(&kvx->fdb, mac);
}

static void kvx_fdb_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(kvx_fdb_cache, container_of(head, struct kvx_fdb, rcu));
}

struct kvx_remote *kvx_fdb_remote(struct kvx_dev *kvx,
				  const struct kvx_fdb *f)
{
	return rcu_dereference_protected(f->remote,
					 lockdep_is_held(&kvx->fdb_lock));
}

/* Points @f at @r, whose reference it takes over. */
void kvx_fdb_set_remote(struct kvx_dev *kvx, struct kvx_fdb *f,
			struct kvx_remote *r)
{
	struct kvx_remote *old = kvx_fdb_remote(kvx, f);

	lockdep_assert_held(&kvx->fdb_lock);
	r->fdb_refs++;
	rcu_assign_pointer(f->remote, r);
	if (old) {
		old->fdb_refs--;
		kvx_remote_put(kvx, old);
	}
}

/* @f joins (@delta 1) or leaves (-1) the entries of its kind. */
static void kvx_fdb_account(struct kvx_dev *kvx, struct kvx_fdb *f, int delta)
{
	lockdep_assert_held(&kvx->fdb_lock);
	if (f->kind == KVXLAN_FDB_KIND_STATIC) {
		WRITE_ONCE(kvx->n_static, kvx->n_static + delta);
	} else {
		WRITE_ONCE(kvx->n_learned, kvx->n_learned + delta);
		if (delta > 0) {
			/* in ord.seq order: it was created just now */
			list_add_tail_rcu(&f->learned, &kvx->learned);
			/* The sweep runs only while there is something to age. */
			if (kvx->n_learned == 1)
				kvx_fdb_start_ageing(kvx);
		} else {
			list_del_rcu(&f->learned);
		}
	}
	kvx->fdb_gen++;
}

/* A zeroed entry: @*spare if the caller has one (then set to NULL). */
static struct kvx_fdb *kvx_fdb_alloc(struct kvx_fdb **spare)
{
	struct kvx_fdb *f;

	if (spare && *spare) {
		f = *spare;
		*spare = NULL;
		return f;
	}
	return kmem_cache_zalloc(kvx_fdb_cache, GFP_ATOMIC);
}

/* A new entry's @mac, @kind, @port, @vni, and its times: now. */
static void kvx_fdb_init_entry(struct kvx_fdb *f, const u8 *mac, u8 kind,
			       __be16 port, u32 vni)
{
	ether_addr_copy(f->mac, mac);
	f->kind = kind;
	f->port = port;
	f->vni = vni;
	f->created = jiffies;
	f->updated = f->created;
	f->used = f->created;
	f->window_start = f->created;
	f->hold_until = f->created;	/* not held (0 may be ahead of jiffies) */
	atomic64_set(&f->hits, 0);
}

/*
 * For fdb.c and mdst.c, under fdb_lock: a new entry, not yet published,
 * with @mac, @kind, @port, @vni (@*spare if the caller has one); NULL if
 * out of memory.
 */
struct kvx_fdb *kvx_fdb_new(struct kvx_fdb **spare, const u8 *mac, u8 kind,
			    __be16 port, u32 vni)
{
	struct kvx_fdb *f = kvx_fdb_alloc(spare);

	if (f)
		kvx_fdb_init_entry(f, mac, kind, port, vni);
	return f;
}

/* Frees @f, which was never published. */
void kvx_fdb_free(struct kvx_fdb *f)
{
	kmem_cache_free(kvx_fdb_cache, f);
}

/* A spare entry for an add that takes fdb_lock later (process context). */
struct kvx_fdb *kvx_fdb_spare(void)
{
	return kmem_cache_zalloc(kvx_fdb_cache, GFP_KERNEL);
}

/*
 * Publishes @f, with its remote(s) set: in the hash table, on fdb_list, in
 * its kind's count. On error nothing is published and @f is the caller's.
 */
int kvx_fdb_insert(struct kvx_dev *kvx, struct kvx_fdb *f)
{
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	err = rhashtable_insert_fast(&kvx->fdb, &f->node, kvx_fdb_params);
	if (err)
		return err;
	kvx_ord_add(kvx, &f->ord, &kvx->fdb_list);
	kvx_fdb_account(kvx, f, 1);
	return 0;
}

/* The entry of @mac, for a writer under fdb_lock. */
struct kvx_fdb *kvx_fdb_find(struct kvx_dev *kvx, const u8 *mac)
{
	lockdep_assert_held(&kvx->fdb_lock);
	return rhashtable_lookup_fast(&kvx->fdb, mac, kvx_fdb_params);
}

struct kvx_fdb *kvx_fdb_create(struct kvx_dev *kvx, const u8 *mac,
			       const struct kvx_ip *ip, __be16 port,
			       u32 vni, u8 kind, struct kvx_fdb **spare)
{
	struct kvx_remote *r;
	struct kvx_fdb *f;
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	f = kvx_fdb_new(spare, mac, kind, port, vni);
	if (!f)
		return ERR_PTR(-ENOMEM);
	r = kvx_remote_get(kvx, ip);
	if (IS_ERR(r)) {
		kvx_fdb_free(f);
		return ERR_CAST(r);
	}
	kvx_fdb_set_remote(kvx, f, r);
	err = kvx_fdb_insert(kvx, f);
	if (err) {
		r->fdb_refs--;
		kvx_remote_put(kvx, r);
		kvx_fdb_free(f);
		return ERR_PTR(err);
	}
	return f;
}

void kvx_fdb_destroy(struct kvx_dev *kvx, struct kvx_fdb *f,
		     enum kvxlan_event event)
{
	struct kvx_remote *r = kvx_fdb_remote(kvx, f);
	struct kvx_flood *l = rcu_dereference_protected(f->mdst,
				lockdep_is_held(&kvx->fdb_lock));

	lockdep_assert_held(&kvx->fdb_lock);
	if (event)
		kvx_fdb_notify_all(kvx, f, event);
	rhashtable_remove_fast(&kvx->fdb, &f->node, kvx_fdb_params);
	list_del_rcu(&f->ord.list);
	kvx_fdb_account(kvx, f, -1);
	if (l) {
		/* f->remote is l's first remote: l holds the references */
		WRITE_ONCE(kvx->n_mcast, kvx->n_mcast - 1);
		kvx_mdst_release(kvx, l);
	} else {
		r->fdb_refs--;
		kvx_remote_put(kvx, r);
	}
	call_rcu(&f->rcu, kvx_fdb_free_rcu);
}

/* ----- notifications ----- */

/*
 * The remotes of @f, under RCU or fdb_lock: a multicast MAC's list, or
 * the one remote of any other entry, written to @one. Sets @n.
 */
const struct kvx_flood_ent *kvx_fdb_dsts(struct kvx_dev *kvx,
					 const struct kvx_fdb *f,
					 struct kvx_flood_ent *one,
					 unsigned int *n)
{
	const struct kvx_flood *l;

	l = rcu_dereference_check(f->mdst, lockdep_is_held(&kvx->fdb_lock));
	if (l) {
		*n = l->n;
		return l->ent;
	}
	kvx_fdb_ent(f, rcu_dereference_check(f->remote,
					     lockdep_is_held(&kvx->fdb_lock)),
		    one);
	*n = 1;
	return one;
}

/*
 * The remote @e of @f changed (@event): tells the "events" group and
 * rtnetlink's RTNLGRP_NEIGH ("bridge monitor fdb"). fdb_lock held, any
 * context; each costs a test of its group's listeners when nobody listens.
 */
void kvx_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		    const struct kvx_flood_ent *e, enum kvxlan_event event)
{
	bool del = event == KVXLAN_EVENT_DELETED ||
		   event == KVXLAN_EVENT_AGED ||
		   event == KVXLAN_EVENT_REMOVED;

	lockdep_assert_held(&kvx->fdb_lock);
	kvx_nl_fdb_notify(kvx, f, e, event);
	kvx_br_fdb_notify(kvx, f, e, del ? RTM_DELNEIGH : RTM_NEWNEIGH);
}

/* kvx_fdb_notify() for each remote of @f. */
void kvx_fdb_notify_all(struct kvx_dev *kvx, const struct kvx_fdb *f,
			enum kvxlan_event event)
{
	const struct kvx_flood_ent *e;
	struct kvx_flood_ent one;
	unsigned int i, n;

	e = kvx_fdb_dsts(kvx, f, &one, &n);
	for (i = 0; i < n; i++)
		kvx_fdb_notify(kvx, f, &e[i], event);
}

/*
 * An add that failed with @err under fdb_lock: a table that must grow
 * first (-ENOMEM, -EBUSY: see kvx_fdb_set()) is tried again after a sleep,
 * until @deadline. Whether to try again.
 */
bool kvx_fdb_add_retry(int err, unsigned long deadline)
{
	if ((err != -ENOMEM && err != -EBUSY) || time_after(jiffies, deadline))
		return false;
	usleep_range(1000, 2000);
	return true;
}

/* The end of an add: frees the unused @spare, says why memory ran out. */
int kvx_fdb_add_end(struct kvx_fdb *spare, int err,
		    struct netlink_ext_ack *extack)
{
	if (spare)
		kvx_fdb_free(spare);
	if (err == -ENOMEM || err == -EBUSY)
		NL_SET_ERR_MSG_MOD(extack,
				   "Cannot add the FDB entry: out of memory");
	return err;
}

/*
 * Replaces @old with @nf, a static entry MAC -> @r (whose reference @nf
 * takes over), @port, @vni, in one step for readers: the transmit path
 * loads remote, port and VNI from the entry it looked up, and finds
 * either @old, whose fields do not change any more, or @nf, complete
 * before it is published. @nf takes @old's place in the hash chain and on
 * fdb_list (with its sequence number: walks neither miss nor repeat it),
 * and its history (created, used, hits, moves, dampening). Frames that
 * readers of @old send meanwhile are counted in @old's hits and are lost
 * with it.
 */
static int kvx_fdb_swap(struct kvx_dev *kvx, struct kvx_fdb *old,
			struct kvx_fdb *nf, struct kvx_remote *r,
			__be16 port, u32 vni)
{
	struct kvx_remote *old_r = kvx_fdb_remote(kvx, old);
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	ether_addr_copy(nf->mac, old->mac);
	nf->kind = KVXLAN_FDB_KIND_STATIC;
	RCU_INIT_POINTER(nf->remote, r);
	nf->port = port;
	nf->vni = vni;
	nf->created = old->created;
	nf->updated = jiffies;
	nf->used = READ_ONCE(old->used);
	atomic64_set(&nf->hits, atomic64_read(&old->hits));
	nf->moves = old->moves;
	nf->window_start = old->window_start;
	nf->window_moves = old->window_moves;
	nf->hold_until = old->hold_until;
	nf->ord.seq = old->ord.seq;

	/* publishes nf with a release barrier: readers see it whole */
	err = rhashtable_replace_fast(&kvx->fdb, &old->node, &nf->node,
				      kvx_fdb_params);
	if (err)
		return err;
	r->fdb_refs++;
	list_replace_rcu(&old->ord.list, &nf->ord.list);
	kvx_fdb_account(kvx, old, -1);
	kvx_fdb_account(kvx, nf, 1);
	old_r->fdb_refs--;
	kvx_remote_put(kvx, old_r);
	call_rcu(&old->rcu, kvx_fdb_free_rcu);
	return 0;
}

static int __kvx_fdb_set(struct kvx_dev *kvx, const u8 *mac,
			 const struct kvx_ip *ip, __be16 port, u32 vni,
			 bool replace, struct kvx_fdb **spare,
			 struct netlink_ext_ack *extack)
{
	struct kvx_fdb *f, *nf;
	struct kvx_remote *r;
	int err = 0;

	spin_lock_bh(&kvx->fdb_lock);
	f = kvx_fdb_find(kvx, mac);
	if (f && !replace) {
		NL_SET_ERR_MSG_MOD(extack, "An FDB entry for this MAC exists");
		err = -EEXIST;
		goto out;
	}
	if (!f) {
		f = kvx_fdb_create(kvx, mac, ip, port, vni,
				   KVXLAN_FDB_KIND_STATIC, spare);
		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			goto out;
		}
		kvx_fdb_notify_all(kvx, f, KVXLAN_EVENT_ADDED);
		goto out;
	}

	nf = kvx_fdb_alloc(spare);
	if (!nf) {
		err = -ENOMEM;
		goto out;
	}
	r = kvx_remote_get(kvx, ip);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto err_free;
	}
	err = kvx_fdb_swap(kvx, f, nf, r, port, vni);
	if (err)
		goto err_put;
	kvx_fdb_notify_all(kvx, nf, KVXLAN_EVENT_REPLACED);
	goto out;

err_put:
	kvx_remote_put(kvx, r);
err_free:
	kvx_fdb_free(nf);
out:
	spin_unlock_bh(&kvx->fdb_lock);
	return err;
}

/*
 * Adds (or, with @replace, overwrites) a static entry. Process context.
 *
 * The entry is allocated here, where it may sleep. The insert runs under
 * fdb_lock, so when a table must grow first it can only allocate
 * atomically, which fails on a fragmented host (-ENOMEM) or while another
 * resize is pending (-EBUSY); the table's resize worker then grows it
 * with GFP_KERNEL. Sleep and try again for up to a second, so that an
 * administrator's add does not fail in the middle of a large batch.
 */
int kvx_fdb_set(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip,
		__be16 port, u32 vni, bool replace,
		struct netlink_ext_ack *extack)
{
	unsigned long deadline = jiffies + HZ;
	struct kvx_fdb *spare;
	int err;

	might_sleep();
	spare = kvx_fdb_spare();
	for (;;) {
		err = __kvx_fdb_set(kvx, mac, ip, port, vni, replace, &spare,
				    extack);
		if (!kvx_fdb_add_retry(err, deadline))
			break;
	}
	return kvx_fdb_add_end(spare, err, extack);
}

/*
 * Deletes the entry of @mac; with @ip, only its remote @ip: a multicast
 * MAC's list loses it (the entry goes with its last remote), any other
 * entry goes only if it points at @ip. -ENOENT if there is no such entry
 * or remote. Process context.
 */
int kvx_fdb_del(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip)
{
	struct kvx_fdb *f;
	int err = -ENOENT;

	if (ip && is_multicast_ether_addr(mac))
		return kvx_fdb_mcast_del(kvx, mac, ip);
	spin_lock_bh(&kvx->fdb_lock);
	f = kvx_fdb_find(kvx, mac);
	if (f && (!ip || kvx_ip_eq(&kvx_fdb_remote(kvx, f)->ip, ip))) {
		kvx_fdb_destroy(kvx, f, KVXLAN_EVENT_DELETED);
		err = 0;
	}
	spin_unlock_bh(&kvx->fdb_lock);
	return err;
}

/* ----- setup and teardown ----- */

int kvx_fdb_init(struct kvx_dev *kvx)
{
	int err;

	spin_lock_init(&kvx->fdb_lock);
	err = kvx_remote_table_init(kvx);
	if (err)
		return err;
	err = rhashtable_init(&kvx->fdb, &kvx_fdb_params);
	if (err) {
		kvx_remote_table_uninit(kvx);
		return err;
	}
	INIT_LIST_HEAD(&kvx->fdb_list);
	INIT_LIST_HEAD(&kvx->learned);
	INIT_DELAYED_WORK(&kvx->age_work, kvx_fdb_age);
	return 0;
}

/*
 * The device is unregistered: nothing transmits or receives on it any
 * more. Stops the sweep and frees every entry, flood entry and remote.
 */
void kvx_fdb_uninit(struct kvx_dev *kvx)
{
	struct kvx_fdb_filter all = { .vni = KVX_VNI_DEV };

	cancel_delayed_work_sync(&kvx->age_work);
	kvx_fdb_flush_event(kvx, &all, KVXLAN_EVENT_UNSPEC);
	kvx_flood_clear(kvx);
	WARN_ON_ONCE(!list_empty(&kvx->fdb_list) ||
		     !list_empty(&kvx->remote_list));
	rhashtable_destroy(&kvx->fdb);
	kvx_remote_table_uninit(kvx);
}
