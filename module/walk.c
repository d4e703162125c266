// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the creation-ordered lists (struct kvx_ord) and the walk over
 * them that the FDB and remote walkers share (see fdb.c).
 */
#include <linux/rculist.h>

#include "device.h"
#include "walk.h"

void kvx_ord_add(struct kvx_dev *kvx, struct kvx_ord *o,
		 struct list_head *head)
{
	lockdep_assert_held(&kvx->fdb_lock);
	o->seq = ++kvx->ord_seq;
	list_add_tail_rcu(&o->list, head);
}

static void *kvx_walk_obj(const struct kvx_walk_list *wl, struct list_head *p)
{
	return (void *)p - wl->node_off;
}

static u64 kvx_walk_seq(const struct kvx_walk_list *wl, void *obj)
{
	return ((struct kvx_ord *)(obj + wl->ord_off))->seq;
}

/*
 * The first node to visit after position @seq, under RCU. @at is the
 * object found under the position's key, if it is on the list: when it is
 * the one of @seq, the walk goes on from it in one step (also when it was
 * deleted meanwhile: a deleted node still leads to the nodes after it).
 * Else the object of @seq is gone (deleted between two parts of a walk)
 * and the list, ordered by sequence number, is searched from its start.
 */
struct list_head *kvx_walk_start(const struct kvx_walk_list *wl,
				 void *at, u64 seq)
{
	struct list_head *p;

	if (at && kvx_walk_seq(wl, at) == seq)
		return rcu_dereference(list_next_rcu((struct list_head *)
						     (at + wl->node_off)));
	for (p = rcu_dereference(list_next_rcu(wl->head)); p != wl->head;
	     p = rcu_dereference(list_next_rcu(p)))
		if (kvx_walk_seq(wl, kvx_walk_obj(wl, p)) > seq)
			break;
	return p;
}

/*
 * Calls @fn for the objects from node @p on (see kvx_fdb_walk()); @*last
 * is the last object @fn kept, NULL if none.
 */
int kvx_walk(const struct kvx_walk_list *wl, struct list_head *p,
	     unsigned int budget, void **last,
	     int (*fn)(void *obj, void *arg), void *arg)
{
	int ret;

	*last = NULL;
	for (; p != wl->head; p = rcu_dereference(list_next_rcu(p))) {
		if (!budget--)
			return -EAGAIN;
		ret = fn(kvx_walk_obj(wl, p), arg);
		if (ret < 0)
			return ret;
		if (!ret)
			*last = kvx_walk_obj(wl, p);
	}
	return 0;
}
