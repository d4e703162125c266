// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the remote VTEPs a device's FDB and flood entries name: a hash
 * table by address, reference counted under kvx_dev.fdb_lock, per-CPU
 * counters, and their walker.
 */
#include <linux/slab.h>

#include "device.h"
#include "remote.h"

static const struct rhashtable_params kvx_remote_params = {
	.head_offset		= offsetof(struct kvx_remote, node),
	.key_offset		= offsetof(struct kvx_remote, ip),
	.key_len		= sizeof(struct kvx_ip),
	.automatic_shrinking	= true,
};

/* The table and the creation-ordered list; fdb_lock is kvx_fdb_init()'s. */
int kvx_remote_table_init(struct kvx_dev *kvx)
{
	int err;

	err = rhashtable_init(&kvx->remotes, &kvx_remote_params);
	if (err)
		return err;
	INIT_LIST_HEAD(&kvx->remote_list);
	return 0;
}

void kvx_remote_table_uninit(struct kvx_dev *kvx)
{
	rhashtable_destroy(&kvx->remotes);
}

struct kvx_remote *kvx_remote_lookup(struct kvx_dev *kvx,
				     const struct kvx_ip *ip)
{
	return rhashtable_lookup(&kvx->remotes, ip, kvx_remote_params);
}

static void kvx_remote_free_rcu(struct rcu_head *head)
{
	kvx_remote_free(container_of(head, struct kvx_remote, rcu));
}

/* A new remote for @ip, not yet in the table. */
struct kvx_remote *kvx_remote_alloc(const struct kvx_ip *ip, gfp_t gfp)
{
	struct kvx_remote *r;
	int cpu;

	r = kzalloc(sizeof(*r), gfp);
	if (!r)
		return NULL;
	r->ip = *ip;
	r->stats = alloc_percpu_gfp(struct kvx_remote_pcpu, gfp);
	if (!r->stats)
		goto err_free;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(r->stats, cpu)->syncp);
	if (dst_cache_init(&r->dst_cache, gfp))
		goto err_stats;
	return r;

err_stats:
	free_percpu(r->stats);
err_free:
	kfree(r);
	return NULL;
}

void kvx_remote_free(struct kvx_remote *r)
{
	if (!r)
		return;
	dst_cache_destroy(&r->dst_cache);
	free_percpu(r->stats);
	kfree(r);
}

/*
 * Finds or creates the remote for @ip and takes a reference. A new one is
 * @*spare if the caller allocated one beforehand (set to NULL when used),
 * else allocated here, atomically.
 */
struct kvx_remote *kvx_remote_get_spare(struct kvx_dev *kvx,
					const struct kvx_ip *ip,
					struct kvx_remote **spare)
{
	struct kvx_remote *r;
	int err;

	lockdep_assert_held(&kvx->fdb_lock);
	r = rhashtable_lookup_fast(&kvx->remotes, ip, kvx_remote_params);
	if (r) {
		r->refs++;
		return r;
	}

	if (spare && *spare) {
		r = *spare;
		*spare = NULL;
	} else {
		r = kvx_remote_alloc(ip, GFP_ATOMIC);
		if (!r)
			return ERR_PTR(-ENOMEM);
	}
	r->refs = 1;
	err = rhashtable_insert_fast(&kvx->remotes, &r->node,
				     kvx_remote_params);
	if (err) {
		kvx_remote_free(r);
		return ERR_PTR(err);
	}
	kvx_ord_add(kvx, &r->ord, &kvx->remote_list);
	return r;
}

struct kvx_remote *kvx_remote_get(struct kvx_dev *kvx, const struct kvx_ip *ip)
{
	return kvx_remote_get_spare(kvx, ip, NULL);
}

void kvx_remote_put(struct kvx_dev *kvx, struct kvx_remote *r)
{
	lockdep_assert_held(&kvx->fdb_lock);
	if (--r->refs)
		return;
	rhashtable_remove_fast(&kvx->remotes, &r->node, kvx_remote_params);
	list_del_rcu(&r->ord.list);
	call_rcu(&r->rcu, kvx_remote_free_rcu);
}

struct kvx_remote_walk_arg {
	struct kvx_dev *kvx;
	kvx_remote_visit_t remote_fn;
	void *arg;
};

static int kvx_remote_walk_one(void *obj, void *arg)
{
	struct kvx_remote_walk_arg *w = arg;

	return w->remote_fn(w->kvx, obj, w->arg);
}

/* kvx_fdb_walk() for the remotes, without a budget. */
int kvx_remote_walk(struct kvx_dev *kvx, struct kvx_remote_pos *pos,
		    kvx_remote_visit_t fn, void *arg)
{
	struct kvx_remote_walk_arg w = { .kvx = kvx, .remote_fn = fn, .arg = arg };
	const struct kvx_walk_list wl = {
		.head = &kvx->remote_list,
		.node_off = offsetof(struct kvx_remote, ord.list),
		.ord_off = offsetof(struct kvx_remote, ord),
	};
	struct kvx_remote *r;
	struct list_head *p;
	void *last;
	int ret;

	rcu_read_lock();
	if (pos->seq)
		p = kvx_walk_start(&wl, kvx_remote_lookup(kvx, &pos->ip),
				   pos->seq);
	else
		p = rcu_dereference(list_next_rcu(wl.head));
	ret = kvx_walk(&wl, p, UINT_MAX, &last, kvx_remote_walk_one, &w);
	if (last) {
		r = last;
		pos->seq = r->ord.seq;
		pos->ip = r->ip;
	}
	rcu_read_unlock();
	return ret;
}
