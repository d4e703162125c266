// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the flood list, the remote VTEPs that get a copy of every
 * broadcast, unknown-unicast and multicast frame (head-end replication).
 *
 * The list is an array published through kvx_dev.flood and replaced whole
 * on every change, so a transmitter sees either the old list or the new
 * one. Writers hold RTNL (they allocate with GFP_KERNEL and join the
 * list's groups) and take fdb_lock for the remotes' reference counts.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "bridge.h"
#include "cfg.h"
#include "device.h"
#include "flood.h"
#include "mcast.h"
#include "remote.h"

static struct kvx_flood *kvx_flood_deref(struct kvx_dev *kvx)
{
	return rtnl_dereference(kvx->flood);
}

/*
 * Builds a list from @reqs, not yet published: NULL for an empty one, an
 * ERR_PTR on failure. The list holds a reference on each of its remotes.
 */
static struct kvx_flood *kvx_flood_build(struct kvx_dev *kvx,
					 const struct kvx_flood_req *reqs,
					 unsigned int n)
{
	struct kvx_remote *r, **spares;
	struct kvx_flood *new;
	unsigned int i;
	int err = -ENOMEM;

	ASSERT_RTNL();
	if (!n)
		return NULL;
	new = kvzalloc(struct_size(new, ent, n), GFP_KERNEL);
	if (!new)
		goto err_new;
	spares = kvcalloc(n, sizeof(*spares), GFP_KERNEL);
	if (!spares)
		goto err_spares;
	/*
	 * Remotes that do not exist yet are allocated here, where sleeping
	 * is allowed; those that turn out to exist are freed below.
	 */
	for (i = 0; i < n; i++) {
		rcu_read_lock();
		r = kvx_remote_lookup(kvx, &reqs[i].ip);
		rcu_read_unlock();
		if (r)
			continue;
		spares[i] = kvx_remote_alloc(&reqs[i].ip, GFP_KERNEL);
		if (!spares[i])
			goto err_alloc;
	}

	err = 0;
	spin_lock_bh(&kvx->fdb_lock);
	for (i = 0; i < n; i++) {
		r = kvx_remote_get_spare(kvx, &reqs[i].ip, &spares[i]);
		if (IS_ERR(r)) {
			err = PTR_ERR(r);
			while (i--)
				kvx_remote_put(kvx, new->ent[i].remote);
			break;
		}
		new->ent[i].remote = r;
		new->ent[i].port = reqs[i].port;
		new->ent[i].vni = reqs[i].vni;
		new->ent[i].ifindex = reqs[i].ifindex;
	}
	new->n = n;
	spin_unlock_bh(&kvx->fdb_lock);

err_alloc:
	for (i = 0; i < n; i++)
		kvx_remote_free(spares[i]);
	kvfree(spares);
	if (!err)
		return new;
err_spares:
	kvfree(new);
err_new:
	return ERR_PTR(err);
}

/* Drops a list that kvx_flood_build() made and nobody published. */
void kvx_flood_drop(struct kvx_dev *kvx, struct kvx_flood *fl)
{
	unsigned int i;

	ASSERT_RTNL();
	if (!fl)
		return;
	spin_lock_bh(&kvx->fdb_lock);
	for (i = 0; i < fl->n; i++)
		kvx_remote_put(kvx, fl->ent[i].remote);
	spin_unlock_bh(&kvx->fdb_lock);
	kvfree(fl);
}

/*
 * Publishes @fl in place of the device's list, whose references are
 * dropped once it is unpublished, and tells "bridge monitor" what changed.
 * Cannot fail.
 */
void kvx_flood_install(struct kvx_dev *kvx, struct kvx_flood *fl)
{
	struct kvx_flood *old = kvx_flood_deref(kvx);
	unsigned int i;

	ASSERT_RTNL();
	spin_lock_bh(&kvx->fdb_lock);
	rcu_assign_pointer(kvx->flood, fl);
	kvx_br_flood_notify(kvx, old, fl);
	if (old)
		for (i = 0; i < old->n; i++)
			kvx_remote_put(kvx, old->ent[i].remote);
	spin_unlock_bh(&kvx->fdb_lock);
	if (old)
		kvfree_rcu(old, rcu);
}

/*
 * Replaces the list with one built from @reqs, all or nothing: the
 * memberships of its groups are taken first (with @strict, a group that
 * cannot be joined fails the request and nothing changes).
 */
static int kvx_flood_publish(struct kvx_dev *kvx,
			     const struct kvx_flood_req *reqs, unsigned int n,
			     bool strict, struct netlink_ext_ack *extack)
{
	struct kvx_sock *socks[KVX_NSOCKS] = {
		rtnl_dereference(kvx->sock[KVX_SOCK4]),
		rtnl_dereference(kvx->sock[KVX_SOCK6]),
	};
	struct kvx_mc_set set;
	struct kvx_flood *new;
	int err;

	ASSERT_RTNL();
	new = kvx_flood_build(kvx, reqs, n);
	if (IS_ERR(new)) {
		NL_SET_ERR_MSG_MOD(extack, "Out of memory for the flood list");
		return PTR_ERR(new);
	}
	err = kvx_mcast_prepare(kvx, socks, rtnl_dereference(kvx->cfg), new,
				strict, &set, extack);
	if (err) {
		kvx_flood_drop(kvx, new);
		return err;
	}
	kvx_flood_install(kvx, new);
	kvx_mcast_commit(kvx, &set);
	return 0;
}

/* The current list as requests, with room for @extra more. */
static struct kvx_flood_req *kvx_flood_reqs(struct kvx_dev *kvx,
					    unsigned int *n,
					    unsigned int extra)
{
	struct kvx_flood *fl = kvx_flood_deref(kvx);
	struct kvx_flood_req *reqs;
	unsigned int i;

	*n = fl ? fl->n : 0;
	reqs = kvmalloc_array(*n + extra, sizeof(*reqs), GFP_KERNEL);
	if (!reqs)
		return NULL;
	for (i = 0; i < *n; i++) {
		reqs[i].ip = fl->ent[i].remote->ip;
		reqs[i].port = fl->ent[i].port;
		reqs[i].vni = fl->ent[i].vni;
		reqs[i].ifindex = fl->ent[i].ifindex;
	}
	return reqs;
}

static int kvx_flood_find(const struct kvx_flood_req *reqs, unsigned int n,
			  const struct kvx_ip *ip)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kvx_ip_eq(&reqs[i].ip, ip))
			return i;
	return -1;
}

int kvx_flood_add(struct kvx_dev *kvx, const struct kvx_flood_req *req,
		  struct netlink_ext_ack *extack)
{
	struct kvx_flood_req *reqs;
	unsigned int n;
	int err;

	ASSERT_RTNL();
	reqs = kvx_flood_reqs(kvx, &n, 1);
	err = -ENOMEM;
	if (!reqs)
		goto out;
	if (kvx_flood_find(reqs, n, &req->ip) >= 0) {
		NL_SET_ERR_MSG_MOD(extack, "Remote is already in the flood list");
		err = -EEXIST;
	} else if (n >= KVXLAN_FLOOD_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "Flood list is full");
		err = -ENOSPC;
	} else {
		reqs[n++] = *req;
		err = kvx_flood_publish(kvx, reqs, n, true, extack);
	}
	kvfree(reqs);
out:
	return err;
}

int kvx_flood_del(struct kvx_dev *kvx, const struct kvx_ip *ip)
{
	struct kvx_flood_req *reqs;
	unsigned int n;
	int i, err;

	ASSERT_RTNL();
	reqs = kvx_flood_reqs(kvx, &n, 0);
	err = -ENOMEM;
	if (!reqs)
		goto out;
	i = kvx_flood_find(reqs, n, ip);
	if (i < 0) {
		err = -ENOENT;
	} else {
		memmove(&reqs[i], &reqs[i + 1], (n - i - 1) * sizeof(*reqs));
		/* Removing an entry never fails on another group. */
		err = kvx_flood_publish(kvx, reqs, n - 1, false, NULL);
	}
	kvfree(reqs);
out:
	return err;
}

int kvx_flood_replace(struct kvx_dev *kvx, const struct kvx_flood_req *reqs,
		      unsigned int n, struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err;

	if (n > KVXLAN_FLOOD_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "Too many flood remotes");
		return -E2BIG;
	}
	for (i = 1; i < n; i++) {
		if (kvx_flood_find(reqs, i, &reqs[i].ip) >= 0) {
			NL_SET_ERR_MSG_MOD(extack,
					   "A remote appears twice in the flood list");
			return -EINVAL;
		}
	}
	ASSERT_RTNL();
	err = kvx_flood_publish(kvx, reqs, n, true, extack);
	return err;
}

/*
 * The link attribute "remote": the first flood entry. Setting it replaces
 * that entry (moving @ip to the front if it is further down); an unset
 * address removes it. Returns the list that results, as requests.
 */
static struct kvx_flood_req *kvx_flood_first_reqs(struct kvx_dev *kvx,
						  const struct kvx_ip *ip,
						  unsigned int *np)
{
	struct kvx_flood_req *reqs;
	unsigned int n;
	int i;

	ASSERT_RTNL();
	reqs = kvx_flood_reqs(kvx, &n, 1);
	if (!reqs)
		return NULL;
	if (!kvx_ip_set(ip)) {
		if (n) {
			memmove(&reqs[0], &reqs[1], (n - 1) * sizeof(*reqs));
			n--;
		}
	} else {
		i = kvx_flood_find(reqs, n, ip);
		if (i > 0) {
			memmove(&reqs[i], &reqs[i + 1],
				(n - i - 1) * sizeof(*reqs));
			n--;
		}
		if (i != 0) {
			if (!n)
				n = 1;
			reqs[0].ip = *ip;
			reqs[0].port = 0;
			reqs[0].vni = KVX_VNI_DEV;
			reqs[0].ifindex = 0;
		}
	}
	*np = n;
	return reqs;
}

int kvx_flood_set_first(struct kvx_dev *kvx, const struct kvx_ip *ip,
			struct netlink_ext_ack *extack)
{
	struct kvx_flood_req *reqs;
	unsigned int n;
	int err;

	ASSERT_RTNL();
	reqs = kvx_flood_first_reqs(kvx, ip, &n);
	if (!reqs)
		return -ENOMEM;
	err = kvx_flood_publish(kvx, reqs, n, true, extack);
	kvfree(reqs);
	return err;
}

/*
 * The list kvx_flood_set_first() would publish, built but not published
 * (for changelink, which commits it with everything else or drops it).
 */
struct kvx_flood *kvx_flood_build_first(struct kvx_dev *kvx,
					const struct kvx_ip *ip)
{
	struct kvx_flood_req *reqs;
	struct kvx_flood *fl;
	unsigned int n;

	ASSERT_RTNL();
	reqs = kvx_flood_first_reqs(kvx, ip, &n);
	if (!reqs)
		return ERR_PTR(-ENOMEM);
	fl = kvx_flood_build(kvx, reqs, n);
	kvfree(reqs);
	return fl;
}

/* Does an entry of the list name underlay @ifindex? */
bool kvx_flood_uses(struct kvx_dev *kvx, int ifindex)
{
	const struct kvx_flood *fl = kvx_flood_deref(kvx);
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; fl && i < fl->n; i++)
		if (fl->ent[i].ifindex == ifindex)
			return true;
	return false;
}

/* The first flood remote's address, or an unset one. Under RCU or RTNL. */
void kvx_flood_first(struct kvx_dev *kvx, struct kvx_ip *ip)
{
	const struct kvx_flood *fl;

	memset(ip, 0, sizeof(*ip));
	rcu_read_lock();
	fl = rcu_dereference(kvx->flood);
	if (fl)
		*ip = fl->ent[0].remote->ip;
	rcu_read_unlock();
}

int kvx_flood_del_all(struct kvx_dev *kvx)
{
	ASSERT_RTNL();
	return kvx_flood_publish(kvx, NULL, 0, false, NULL);
}

/* Teardown: no RTNL, nothing else can reach the device. */
void kvx_flood_clear(struct kvx_dev *kvx)
{
	struct kvx_flood *fl = rcu_dereference_protected(kvx->flood, true);
	unsigned int i;

	if (!fl)
		return;
	RCU_INIT_POINTER(kvx->flood, NULL);
	spin_lock_bh(&kvx->fdb_lock);
	for (i = 0; i < fl->n; i++)
		kvx_remote_put(kvx, fl->ent[i].remote);
	spin_unlock_bh(&kvx->fdb_lock);
	kvfree_rcu(fl, rcu);
}
