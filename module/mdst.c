// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: a multicast MAC's own list of remotes ("bridge fdb append",
 * KVXLAN_CMD_FDB_APPEND): appended, removed, flushed, and read by the
 * transmit path.
 *
 * A multicast MAC's entry ("bridge fdb append", KVXLAN_CMD_FDB_APPEND) has
 * its own replication list, f->mdst: its remotes, each with its own port
 * and VNI, in a struct kvx_flood that is copied on every change and
 * published whole (fdb_lock writers, RCU readers), as the flood list is:
 * a frame to the MAC is copied to exactly the remotes of one list. Each
 * remote of a list holds a reference and an FDB reference on it; f->remote
 * is the first one, without a reference of its own, so that every entry
 * has a remote for code that reads only that; f->port and f->vni stay the
 * device's. Such an entry is static and has at least one remote.
 *
 * Its entry lives in the FDB (fdb.c) and changes under kvx_dev.fdb_lock;
 * the lists are allocated in process context, outside the lock, and
 * again when the list grew meanwhile.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>

#include "device.h"
#include "fdb.h"
#include "flood.h"
#include "mdst.h"

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
void kvx_mdst_release(struct kvx_dev *kvx, struct kvx_flood *l)
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
	/* port 0 and the device's VNI: the list's remotes have their own */
	f = kvx_fdb_new(spare, mac, KVXLAN_FDB_KIND_STATIC, 0, KVX_VNI_DEV);
	if (!f)
		return -ENOMEM;
	RCU_INIT_POINTER(f->remote, l->ent[0].remote);
	RCU_INIT_POINTER(f->mdst, l);
	err = kvx_fdb_insert(kvx, f);
	if (err) {
		kvx_fdb_free(f);
		return err;
	}
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
	f = kvx_fdb_find(kvx, mac);
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
	spare = kvx_fdb_spare();
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
	f = kvx_fdb_find(kvx, mac);
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
int kvx_fdb_mcast_del(struct kvx_dev *kvx, const u8 *mac,
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
bool kvx_mdst_flush(struct kvx_dev *kvx, struct kvx_fdb *f,
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
