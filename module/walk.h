/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: creation-ordered lists and the walk over them (walk.c).
 */
#ifndef _KVX_WALK_H
#define _KVX_WALK_H

#include <linux/list.h>
#include <linux/types.h>

#include "kvx.h"

/*
 * A node of a creation-ordered list (kvx_dev.fdb_list, .remote_list): the
 * order the walkers (fdb.c: kvx_fdb_walk(), remote.c: kvx_remote_walk())
 * follow, whatever the hash tables do meanwhile. An object keeps its sequence
 * number (and its place) for life, also when replaced by a new one.
 */
struct kvx_ord {
	struct list_head list;		/* fdb_lock writers, RCU readers */
	u64 seq;			/* > 0, never reused on a device */
};

/*
 * A list a walker follows: its head, and where the list node and the
 * struct kvx_ord (whose seq orders the list) sit in its objects.
 */
struct kvx_walk_list {
	struct list_head *head;
	size_t node_off;
	size_t ord_off;
};

/* An object's return from a walk's callback: it deleted the object. */
#define KVX_WALK_GONE	1

void kvx_ord_add(struct kvx_dev *kvx, struct kvx_ord *o,
		 struct list_head *head);
struct list_head *kvx_walk_start(const struct kvx_walk_list *wl,
				 void *at, u64 seq);
int kvx_walk(const struct kvx_walk_list *wl, struct list_head *p,
	     unsigned int budget, void **last,
	     int (*fn)(void *obj, void *arg), void *arg);

#endif /* _KVX_WALK_H */
