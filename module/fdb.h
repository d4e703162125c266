/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the forwarding table, MAC -> remote VTEP (fdb.c; its walker, the
 * filters and the flushes in fdb_walk.c).
 */
#ifndef _KVX_FDB_H
#define _KVX_FDB_H

#include <linux/etherdevice.h>
#include <linux/rhashtable.h>
#include <linux/string.h>

#include "kvx.h"
#include "flood.h"
#include "remote.h"
#include "walk.h"

/*
 * Where a walk stopped: the last entry (remote) visited, by its sequence
 * number and key (found again in the hash table). All zero: the start.
 */
struct kvx_fdb_pos {
	u64 seq;
	u8 mac[ETH_ALEN];
};

/*
 * An FDB entry: MAC -> remote VTEP. port and vni never change once the
 * entry is published: a replace publishes a new entry in its place
 * (fdb.c: kvx_fdb_swap()), so a reader that loads remote, port and vni
 * from one entry gets one administrator's triple, never a mix. Only a
 * learned entry's remote moves in place (its port and VNI are the
 * device's).
 */
struct kvx_fdb {
	struct rhash_head node;		/* in kvx_dev.fdb */
	u8 mac[ETH_ALEN];		/* the key */
	u8 kind;			/* enum kvxlan_fdb_kind; fdb_lock */
	/*
	 * The remote; of a multicast MAC, the first of mdst (which holds
	 * the reference). fdb_lock / RCU
	 */
	struct kvx_remote __rcu *remote;
	/* A multicast MAC's remotes (mdst.c); fdb_lock / RCU */
	struct kvx_flood __rcu *mdst;
	__be16 port;			/* 0: the device's; set before publishing */
	u32 vni;			/* KVX_VNI_DEV: the device's; as port */
	unsigned long created;		/* jiffies */
	unsigned long updated;		/* jiffies, written locklessly */
	unsigned long used;		/* jiffies, written locklessly */
	atomic64_t hits;
	u64 moves;			/* fdb_lock */
	unsigned long window_start;	/* MAC-move dampening; fdb_lock */
	u32 window_moves;		/* fdb_lock */
	unsigned long hold_until;	/* no relearning before; fdb_lock */
	struct kvx_ord ord;		/* in kvx_dev.fdb_list */
	/* learned entries: in kvx_dev.learned; fdb_lock writers, RCU */
	struct list_head learned;
	struct rcu_head rcu;
};

/*
 * rhashtable's default compare is an out-of-line memcmp() of key_len bytes;
 * with a million entries it was half of the lookup's cost. A MAC address
 * compares in two loads. Both sides are 16-bit aligned: the entry's mac
 * follows a pointer, and keys come from an Ethernet header or a netlink
 * attribute.
 */
static inline int kvx_fdb_cmp(struct rhashtable_compare_arg *arg,
			      const void *obj)
{
	const struct kvx_fdb *f = obj;

	return !ether_addr_equal(f->mac, arg->key);
}

/*
 * The hash of a MAC address, inlined into each lookup: two per frame
 * forwarded (the transmit's, and the receive's learning). The address as
 * one 48-bit word, with the table's random seed added, through two
 * multiply-xorshift rounds (the constants of MurmurHash3's finalizer):
 * each bit of the address and of the seed reaches the low bits that pick
 * the bucket. 13 instructions against the 32 of jhash_2words() of the
 * address's 16-bit words (BENCHMARKS.md). Like jhash, and unlike SipHash,
 * it is not a keyed PRF; the in-tree driver's FDB hash (hash_64() of the
 * address) is not seeded at all. rhashtable rehashes with a new seed a
 * table whose chains grow long.
 */
static inline u32 kvx_fdb_hash(const void *data, u32 len, u32 seed)
{
	u32 lo;
	u16 hi;
	u64 k;

	memcpy(&lo, data, sizeof(lo));
	memcpy(&hi, data + sizeof(lo), sizeof(hi));
	k = (lo | (u64)hi << 32) + seed;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 32;
	k *= 0xc4ceb9fe1a85ec53ULL;
	return k ^ (k >> 32);
}

static const struct rhashtable_params kvx_fdb_params = {
	.head_offset		= offsetof(struct kvx_fdb, node),
	.key_offset		= offsetof(struct kvx_fdb, mac),
	.key_len		= ETH_ALEN,
	.hashfn			= kvx_fdb_hash,
	.obj_cmpfn		= kvx_fdb_cmp,
	.automatic_shrinking	= true,
};

/*
 * The entry of @mac in the FDB @fdb, under RCU: inline, for the data path
 * (kvx_fdb_lookup() elsewhere).
 */
static __always_inline struct kvx_fdb *kvx_fdb_lookup_in(struct rhashtable *fdb,
							 const u8 *mac)
{
	return rhashtable_lookup(fdb, mac, kvx_fdb_params);
}

/*
 * @f's one remote @r (read by the caller: under RCU or fdb_lock) as a
 * flood entry, with @f's port and VNI: a unicast entry's destination in
 * the form of a flood list's (kvx_fdb_dsts(), the transmit path).
 */
static inline void kvx_fdb_ent(const struct kvx_fdb *f, struct kvx_remote *r,
			       struct kvx_flood_ent *e)
{
	e->remote = r;
	e->port = READ_ONCE(f->port);
	e->vni = READ_ONCE(f->vni);
	e->ifindex = 0;
}

int kvx_fdb_init(struct kvx_dev *kvx);
void kvx_fdb_uninit(struct kvx_dev *kvx);
int kvx_fdb_cache_init(void);
void kvx_fdb_cache_exit(void);
struct kvx_fdb *kvx_fdb_lookup(struct kvx_dev *kvx, const u8 *mac);
int kvx_fdb_set(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip,
		__be16 port, u32 vni, bool replace,
		struct netlink_ext_ack *extack);
int kvx_fdb_del(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip);
const struct kvx_flood_ent *kvx_fdb_dsts(struct kvx_dev *kvx,
					 const struct kvx_fdb *f,
					 struct kvx_flood_ent *one,
					 unsigned int *n);
void kvx_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		    const struct kvx_flood_ent *e, enum kvxlan_event event);
void kvx_fdb_notify_all(struct kvx_dev *kvx, const struct kvx_fdb *f,
			enum kvxlan_event event);

struct kvx_fdb_filter {
	struct kvx_ip ip;		/* AF_UNSPEC: any */
	u8 kind;			/* 0: any */
	u32 vni;			/* KVX_VNI_DEV: any */
	u32 dev_vni;			/* what an entry without a VNI uses */
};

bool kvx_fdb_match(const struct kvx_fdb *f, const struct kvx_fdb_filter *flt);
bool kvx_fdb_match_dst(const struct kvx_fdb *f, const struct kvx_flood_ent *e,
		       const struct kvx_fdb_filter *flt);

/*
 * The FDB walker, behind every dump and the ageing sweep: kvx_fdb_walk()
 * calls @fn for the entries of @list after @pos, in creation order, under RCU
 * (and whatever lock the caller holds). @fn returns 0 to go on (@pos moves
 * to the entry), KVX_WALK_GONE when it deleted the entry (@pos stays), or
 * an error that stops the walk (@pos stays: the next walk offers that
 * entry again). The walk returns that error, -EAGAIN when @budget
 * entries were visited, or 0 at the end of the table.
 */
enum kvx_fdb_walk_list {
	KVX_WALK_ALL,			/* every entry */
	KVX_WALK_LEARNED,		/* the learned ones (kvx_dev.learned) */
};

typedef int (*kvx_fdb_visit_t)(struct kvx_dev *kvx, struct kvx_fdb *f,
			       void *arg);
int kvx_fdb_walk(struct kvx_dev *kvx, enum kvx_fdb_walk_list list,
		 struct kvx_fdb_pos *pos, unsigned int budget,
		 kvx_fdb_visit_t fn, void *arg);
unsigned int kvx_fdb_flush(struct kvx_dev *kvx,
			   const struct kvx_fdb_filter *flt);

/* For learn.c: entries created, moved and deleted under fdb_lock. */
struct kvx_remote *kvx_fdb_remote(struct kvx_dev *kvx,
				  const struct kvx_fdb *f);
void kvx_fdb_set_remote(struct kvx_dev *kvx, struct kvx_fdb *f,
			struct kvx_remote *r);
struct kvx_fdb *kvx_fdb_create(struct kvx_dev *kvx, const u8 *mac,
			       const struct kvx_ip *ip, __be16 port,
			       u32 vni, u8 kind, struct kvx_fdb **spare);
void kvx_fdb_destroy(struct kvx_dev *kvx, struct kvx_fdb *f,
		     enum kvxlan_event event);

/* For mdst.c: the building blocks of an add, under fdb_lock. */
struct kvx_fdb *kvx_fdb_new(struct kvx_fdb **spare, const u8 *mac, u8 kind,
			    __be16 port, u32 vni);
void kvx_fdb_free(struct kvx_fdb *f);
struct kvx_fdb *kvx_fdb_spare(void);
int kvx_fdb_insert(struct kvx_dev *kvx, struct kvx_fdb *f);
struct kvx_fdb *kvx_fdb_find(struct kvx_dev *kvx, const u8 *mac);
bool kvx_fdb_add_retry(int err, unsigned long deadline);
int kvx_fdb_add_end(struct kvx_fdb *spare, int err,
		    struct netlink_ext_ack *extack);

/* For fdb.c: a flush that tells @event (0: nobody) of each entry. */
unsigned int kvx_fdb_flush_event(struct kvx_dev *kvx,
				 const struct kvx_fdb_filter *flt,
				 enum kvxlan_event event);

#endif /* _KVX_FDB_H */
