// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the forwarding table (MAC -> remote VTEP): static entries set,
 * replaced and deleted, the FDB walker and flushes. The remote VTEPs it
 * names are in remote.c, learning and ageing in learn.c.
 *
 * Readers (xmit, rcv) look entries and remotes up in their hash tables
 * under RCU. Every change happens under kvx_dev.fdb_lock; entries and
 * remotes are freed after an RCU grace period.
 *
 * Walkers (the genl and "bridge fdb" dumps, the ageing sweep, flushes) do
 * not walk the hash tables: each entry and remote is also on a list in
 * creation order (struct kvx_ord), and a walk resumes after the last
 * object it visited, found again by its key and sequence number. Resizes
 * and rehashes of the tables do not move anything on the lists, so a walk
 * split into many parts visits each object that lives through it exactly
 * once (objects added or deleted meanwhile may be seen or not).
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "bridge.h"
#include "device.h"
#include "fdb.h"
#include "flood.h"
#include "learn.h"
#include "netlink.h"

#define KVX_FLUSH_BATCH		1024	/* entries per hold of fdb_lock */

static struct kmem_cache *kvx_fdb_cache;

/*
 * rhashtable's default compare is an out-of-line memcmp() of key_len bytes;
 * with a million entries it was half of the lookup's cost. A MAC address
 * compares in two loads. Both sides are 16-bit aligned: the entry's mac
 * follows a pointer, and keys come from an Ethernet header or a netlink
 * attribute.
 */
static int kvx_fdb_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct kvx_fdb *f = obj;

	return !ether_addr_equal(f->mac, arg->key);
}

/*
 * The hash of a MAC address. rhashtable's default for a 6-byte key is the
 * generic jhash(), out of line and called through the table's hashfn
 * pointer: 110 instructions per lookup, two lookups per frame forwarded
 * (the transmit's and the receive's learning). The same keyed Jenkins
 * hash of the address's three 16-bit words (aligned, as for kvx_fdb_cmp())
 * inlines into the lookup. Seeded with the table's random seed, as the
 * default is.
 */
static inline u32 kvx_fdb_hash(const void *data, u32 len, u32 seed)
{
	const u16 *a = data;

	return jhash_2words(a[0] | (u32)a[1] << 16, a[2], seed);
}

static const struct rhashtable_params kvx_fdb_params = {
	.head_offset		= offsetof(struct kvx_fdb, node),
	.key_offset		= offsetof(struct kvx_fdb, mac),
	.key_len		= ETH_ALEN,
	.hashfn			= kvx_fdb_hash,
	.obj_cmpfn		= kvx_fdb_cmp,
	.automatic_shrinking	= true,
};

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
	return rhashtable_lookup(&kvx->fdb, mac, kvx_fdb_params);
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

struct kvx_fdb *kvx_fdb_create(struct kvx_dev *kvx, const u8 *mac,
			       const struct kvx_ip *ip, __be16 port,
			       u32 vni, u8 kind, struct kvx_fdb **spare)
{
	struct kvx_remote *r;
	struct kvx_fdb *f;
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	f = kvx_fdb_alloc(spare);
	if (!f)
		return ERR_PTR(-ENOMEM);
	r = kvx_remote_get(kvx, ip);
	if (IS_ERR(r)) {
		kmem_cache_free(kvx_fdb_cache, f);
		return ERR_CAST(r);
	}
	kvx_fdb_init_entry(f, mac, kind, port, vni);
	kvx_fdb_set_remote(kvx, f, r);

	err = rhashtable_insert_fast(&kvx->fdb, &f->node, kvx_fdb_params);
	if (err) {
		r->fdb_refs--;
		kvx_remote_put(kvx, r);
		kmem_cache_free(kvx_fdb_cache, f);
		return ERR_PTR(err);
	}
	kvx_ord_add(kvx, &f->ord, &kvx->fdb_list);
	kvx_fdb_account(kvx, f, 1);
	return f;
}

static void kvx_mdst_release(struct kvx_dev *kvx, struct kvx_flood *l);

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
	one->remote = rcu_dereference_check(f->remote,
					    lockdep_is_held(&kvx->fdb_lock));
	one->port = READ_ONCE(f->port);
	one->vni = READ_ONCE(f->vni);
	one->ifindex = 0;
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

/* ----- multicast MACs ----- */

/*
 * A multicast MAC's entry ("bridge fdb append", KVXLAN_CMD_FDB_APPEND) has
 * its own replication list, f->mdst: its remotes, each with its own port
 * and VNI, in a struct kvx_flood that is copied on every change and
 * published whole (fdb_lock writers, RCU readers), as the flood list is:
 * a frame to the MAC is copied to exactly the remotes of one list. Each
 * remote of a list holds a reference and an FDB reference on it; f->remote
 * is the first one, without a reference of its own, so that every entry
 * has a remote for code that reads only that; f->port and f->vni stay the
 * device's. Such an entry is static and has at least one remote.
 */

static struct kvx_flood *kvx_fdb_mdst(struct kvx_dev *kvx,
				      const struct kvx_fdb *f)
{
	return rcu_dereference_protected(f->mdst,
					 lockdep_is_held(&kvx->fdb_lock));
}

/* Drops the references of the list @l, which no reader finds any more. */
static void kvx_mdst_put(struct kvx_dev *kvx, struct kvx_flood *l)
{
	unsigned int i;

	lockdep_assert_held(&kvx->fdb_lock);
	for (i = 0; i < l->n; i++) {
		l->ent[i].remote->fdb_refs--;
		kvx_remote_put(kvx, l->ent[i].remote);
	}
}

/* ... and frees it after a grace period. */
static void kvx_mdst_release(struct kvx_dev *kvx, struct kvx_flood *l)
{
	kvx_mdst_put(kvx, l);
	kvfree_rcu(l, rcu);
}

static int kvx_mdst_find(const struct kvx_flood *l, const struct kvx_ip *ip)
{
	unsigned int i;

	for (i = 0; l && i < l->n; i++)
		if (kvx_ip_eq(&l->ent[i].remote->ip, ip))
			return i;
	return -1;
}

/*
 * Fills @new with the remotes of @old (NULL: none) that @drop does not
 * name (-1: none), taking their references.
 */
static void kvx_mdst_copy(struct kvx_dev *kvx, struct kvx_flood *new,
			  const struct kvx_flood *old, int drop)
{
	struct kvx_flood_ent *e;
	unsigned int i;

	lockdep_assert_held(&kvx->fdb_lock);
	new->n = 0;
	for (i = 0; old && i < old->n; i++) {
		if (i == drop)
			continue;
		e = &new->ent[new->n++];
		*e = old->ent[i];
		e->remote->refs++;
		e->remote->fdb_refs++;
	}
}

/* Publishes @new (at least one remote) in place of @f's list. */
static void kvx_mdst_publish(struct kvx_dev *kvx, struct kvx_fdb *f,
			     struct kvx_flood *new)
{
	struct kvx_flood *old = kvx_fdb_mdst(kvx, f);

	lockdep_assert_held(&kvx->fdb_lock);
	rcu_assign_pointer(f->remote, new->ent[0].remote);
	rcu_assign_pointer(f->mdst, new);
	WRITE_ONCE(f->updated, jiffies);
	kvx->fdb_gen++;
	kvx_mdst_release(kvx, old);
}

/* A static entry for the multicast @mac with the list @l (not freed). */
static int kvx_mdst_create(struct kvx_dev *kvx, const u8 *mac,
			   struct kvx_flood *l, struct kvx_fdb **spare)
{
	struct kvx_fdb *f;
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	f = kvx_fdb_alloc(spare);
	if (!f)
		return -ENOMEM;
	/* port 0 and the device's VNI: the list's remotes have their own */
	kvx_fdb_init_entry(f, mac, KVXLAN_FDB_KIND_STATIC, 0, KVX_VNI_DEV);
	RCU_INIT_POINTER(f->remote, l->ent[0].remote);
	RCU_INIT_POINTER(f->mdst, l);
	err = rhashtable_insert_fast(&kvx->fdb, &f->node, kvx_fdb_params);
	if (err) {
		kmem_cache_free(kvx_fdb_cache, f);
		return err;
	}
	kvx_ord_add(kvx, &f->ord, &kvx->fdb_list);
	kvx_fdb_account(kvx, f, 1);
	WRITE_ONCE(kvx->n_mcast, kvx->n_mcast + 1);
	kvx_fdb_notify(kvx, f, &l->ent[0], KVXLAN_EVENT_ADDED);
	return 0;
}

/*
 * Under fdb_lock: appends the remote @ip to the list of the multicast
 * @mac, creating its entry, in @new, which has room for @size remotes and
 * is the list's from now on if this succeeds. -EAGAIN with @need set
 * when @new is too small.
 */
static int __kvx_mdst_add(struct kvx_dev *kvx, const u8 *mac,
			  const struct kvx_flood_ent *add,
			  const struct kvx_ip *ip,
			  struct kvx_flood *new, unsigned int size,
			  unsigned int *need, struct kvx_fdb **spare,
			  struct netlink_ext_ack *extack)
{
	struct kvx_flood *old = NULL;
	struct kvx_flood_ent *e;
	struct kvx_remote *r;
	struct kvx_fdb *f;
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	f = rhashtable_lookup_fast(&kvx->fdb, mac, kvx_fdb_params);
	if (f) {
		old = kvx_fdb_mdst(kvx, f);
		if (!old) {
			/* every multicast MAC's entry has a list: not reached */
			NL_SET_ERR_MSG_MOD(extack,
					   "This MAC's entry has no list of remotes");
			return -EEXIST;
		}
		if (kvx_mdst_find(old, ip) >= 0) {
			NL_SET_ERR_MSG_MOD(extack,
					   "This remote is in the MAC's list already");
			return -EEXIST;
		}
	}
	*need = old ? old->n + 1 : 1;
	if (*need > KVXLAN_FDB_REMOTES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "A multicast MAC has at most "
				   __stringify(KVXLAN_FDB_REMOTES_MAX)
				   " remotes");
		return -E2BIG;
	}
	if (*need > size)
		return -EAGAIN;
	r = kvx_remote_get(kvx, ip);
	if (IS_ERR(r))
		return PTR_ERR(r);
	kvx_mdst_copy(kvx, new, old, -1);
	r->fdb_refs++;
	e = &new->ent[new->n++];
	*e = *add;
	e->remote = r;
	if (!f) {
		err = kvx_mdst_create(kvx, mac, new, spare);
		if (err)
			kvx_mdst_put(kvx, new);
		return err;
	}
	kvx_mdst_publish(kvx, f, new);
	kvx_fdb_notify(kvx, f, e, KVXLAN_EVENT_APPENDED);
	return 0;
}

/* The remotes @mac's list has, 0 if none; under RCU. */
static unsigned int kvx_mdst_len(struct kvx_dev *kvx, const u8 *mac)
{
	const struct kvx_flood *l = NULL;
	struct kvx_fdb *f;
	unsigned int n;

	rcu_read_lock();
	f = kvx_fdb_lookup(kvx, mac);
	if (f)
		l = rcu_dereference(f->mdst);
	n = l ? l->n : 0;
	rcu_read_unlock();
	return n;
}

/*
 * An add that failed with @err under fdb_lock: a table that must grow
 * first (-ENOMEM, -EBUSY: see kvx_fdb_set()) is tried again after a sleep,
 * until @deadline. Whether to try again.
 */
static bool kvx_fdb_add_retry(int err, unsigned long deadline)
{
	if ((err != -ENOMEM && err != -EBUSY) || time_after(jiffies, deadline))
		return false;
	usleep_range(1000, 2000);
	return true;
}

/* The end of an add: frees the unused @spare, says why memory ran out. */
static int kvx_fdb_add_end(struct kvx_fdb *spare, int err,
			   struct netlink_ext_ack *extack)
{
	if (spare)
		kmem_cache_free(kvx_fdb_cache, spare);
	if (err == -ENOMEM || err == -EBUSY)
		NL_SET_ERR_MSG_MOD(extack,
				   "Cannot add the FDB entry: out of memory");
	return err;
}

/*
 * Appends the remote @ip, @port, @vni to the list of the multicast @mac,
 * creating its entry. Process context: the list is allocated where
 * sleeping is allowed, and again if the list grew meanwhile; a full hash
 * table is retried as kvx_fdb_set() does.
 */
static int kvx_fdb_mcast_add(struct kvx_dev *kvx, const u8 *mac,
			     const struct kvx_ip *ip, __be16 port, u32 vni,
			     struct netlink_ext_ack *extack)
{
	const struct kvx_flood_ent add = { .port = port, .vni = vni };
	unsigned long deadline = jiffies + HZ;
	unsigned int size = kvx_mdst_len(kvx, mac) + 1, need;
	struct kvx_flood *new;
	struct kvx_fdb *spare;
	int err;

	might_sleep();
	spare = kmem_cache_zalloc(kvx_fdb_cache, GFP_KERNEL);
	for (;;) {
		new = kvzalloc(struct_size(new, ent, size), GFP_KERNEL);
		if (!new) {
			err = -ENOMEM;
			break;
		}
		spin_lock_bh(&kvx->fdb_lock);
		err = __kvx_mdst_add(kvx, mac, &add, ip, new, size, &need,
				     &spare, extack);
		spin_unlock_bh(&kvx->fdb_lock);
		if (!err)
			break;
		kvfree(new);
		if (err == -EAGAIN)
			size = need;
		else if (!kvx_fdb_add_retry(err, deadline))
			break;
	}
	return kvx_fdb_add_end(spare, err, extack);
}

/*
 * Appends a remote to the multicast @mac's list (see kvx_fdb_mcast_add());
 * a unicast MAC has one remote and is refused.
 */
int kvx_fdb_append(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip,
		   __be16 port, u32 vni, struct netlink_ext_ack *extack)
{
	if (!is_multicast_ether_addr(mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Only a multicast MAC has a list of remotes to append to; a unicast MAC has one remote (use replace)");
		return -EINVAL;
	}
	return kvx_fdb_mcast_add(kvx, mac, ip, port, vni, extack);
}

/*
 * Under fdb_lock: removes @ip from @mac's list into @new (room for @size
 * remotes; the list's from now on if this returns 0), or deletes the
 * entry with its last remote (1: @new is not used). -EAGAIN with @need
 * set when @new is too small.
 */
static int __kvx_mdst_del(struct kvx_dev *kvx, const u8 *mac,
			  const struct kvx_ip *ip, struct kvx_flood *new,
			  unsigned int size, unsigned int *need)
{
	struct kvx_flood *old;
	struct kvx_fdb *f;
	int i;

	lockdep_assert_held(&kvx->fdb_lock);
	f = rhashtable_lookup_fast(&kvx->fdb, mac, kvx_fdb_params);
	old = f ? kvx_fdb_mdst(kvx, f) : NULL;
	i = kvx_mdst_find(old, ip);
	if (i < 0)
		return -ENOENT;
	if (old->n == 1) {
		kvx_fdb_destroy(kvx, f, KVXLAN_EVENT_DELETED);
		return 1;
	}
	*need = old->n - 1;
	if (*need > size)
		return -EAGAIN;
	kvx_fdb_notify(kvx, f, &old->ent[i], KVXLAN_EVENT_REMOVED);
	kvx_mdst_copy(kvx, new, old, i);
	kvx_mdst_publish(kvx, f, new);
	return 0;
}

/* Removes @ip from the multicast @mac's list; -ENOENT if it is not there. */
static int kvx_fdb_mcast_del(struct kvx_dev *kvx, const u8 *mac,
			     const struct kvx_ip *ip)
{
	unsigned int size = kvx_mdst_len(kvx, mac), need;
	struct kvx_flood *new;
	int err;

	might_sleep();
	for (;;) {
		new = kvzalloc(struct_size(new, ent, max(size, 1U)),
			       GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		spin_lock_bh(&kvx->fdb_lock);
		err = __kvx_mdst_del(kvx, mac, ip, new, size, &need);
		spin_unlock_bh(&kvx->fdb_lock);
		if (err)
			kvfree(new);
		if (err != -EAGAIN)
			return err < 0 ? err : 0;
		size = need;
	}
}

/*
 * A flush under fdb_lock: @f's list loses the remotes that match @flt.
 * True when all of them do: the whole entry goes (the caller deletes it).
 * The list is copied atomically; if that fails, the entry stays whole.
 */
static bool kvx_mdst_flush(struct kvx_dev *kvx, struct kvx_fdb *f,
			   const struct kvx_fdb_filter *flt)
{
	struct kvx_flood *old = kvx_fdb_mdst(kvx, f), *new;
	unsigned int i, keep = 0;

	lockdep_assert_held(&kvx->fdb_lock);
	for (i = 0; i < old->n; i++)
		if (!kvx_fdb_match_dst(f, &old->ent[i], flt))
			keep++;
	if (!keep)
		return true;
	new = kmalloc(struct_size(new, ent, keep), GFP_ATOMIC);
	if (!new)
		return false;
	new->n = 0;
	for (i = 0; i < old->n; i++) {
		if (kvx_fdb_match_dst(f, &old->ent[i], flt)) {
			kvx_fdb_notify(kvx, f, &old->ent[i],
				       KVXLAN_EVENT_REMOVED);
			continue;
		}
		new->ent[new->n] = old->ent[i];
		new->ent[new->n].remote->refs++;
		new->ent[new->n].remote->fdb_refs++;
		new->n++;
	}
	kvx_mdst_publish(kvx, f, new);
	return false;
}

/*
 * Transmit path, under RCU: the remotes a frame to the multicast @mac
 * goes to: its own list if it has one (a hit of its entry), else the
 * flood list (NULL when empty). Without multicast entries, no lookup.
 */
const struct kvx_flood *kvx_fdb_mcast_dst(struct kvx_dev *kvx, const u8 *mac)
{
	const struct kvx_flood *l;
	struct kvx_fdb *f;

	if (likely(!READ_ONCE(kvx->n_mcast)))
		return rcu_dereference(kvx->flood);
	f = kvx_fdb_lookup(kvx, mac);
	l = f ? rcu_dereference(f->mdst) : NULL;
	if (!l)
		return rcu_dereference(kvx->flood);
	kvx_touch(&f->used);
	atomic64_inc(&f->hits);
	return l;
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
	f = rhashtable_lookup_fast(&kvx->fdb, mac, kvx_fdb_params);
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
	kmem_cache_free(kvx_fdb_cache, nf);
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
	spare = kmem_cache_zalloc(kvx_fdb_cache, GFP_KERNEL);
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
	f = rhashtable_lookup_fast(&kvx->fdb, mac, kvx_fdb_params);
	if (f && (!ip || kvx_ip_eq(&kvx_fdb_remote(kvx, f)->ip, ip))) {
		kvx_fdb_destroy(kvx, f, KVXLAN_EVENT_DELETED);
		err = 0;
	}
	spin_unlock_bh(&kvx->fdb_lock);
	return err;
}

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

/* ----- walkers ----- */

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
static unsigned int kvx_fdb_flush_pass(struct kvx_dev *kvx,
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
	return kvx_fdb_flush_pass(kvx, flt, KVXLAN_EVENT_DELETED);
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
	kvx_fdb_flush_pass(kvx, &all, KVXLAN_EVENT_UNSPEC);
	kvx_flood_clear(kvx);
	WARN_ON_ONCE(!list_empty(&kvx->fdb_list) ||
		     !list_empty(&kvx->remote_list));
	rhashtable_destroy(&kvx->fdb);
	kvx_remote_table_uninit(kvx);
}
