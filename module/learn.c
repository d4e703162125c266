// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: learning (from the receive path), MAC-move dampening and the
 * ageing sweep of learned entries.
 */
#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "device.h"
#include "learn.h"
#include "netlink.h"

/* The ageing sweep runs every second and looks at this many entries. */
#define KVX_AGE_INTERVAL	HZ
#define KVX_AGE_BUDGET		16384
#define KVX_AGE_BATCH		256	/* entries per hold of fdb_lock */

/*
 * A learned MAC shows up behind another remote. More than cfg->dampen_moves
 * moves within cfg->dampen_window seconds hold it where it is for
 * cfg->dampen_hold seconds; a new window starts when the hold ends.
 */
static void kvx_fdb_move(struct kvx_dev *kvx, struct kvx_fdb *f,
			 const struct kvx_ip *src, const struct kvx_cfg *cfg)
{
	unsigned long now = jiffies;
	struct kvx_remote *r;

	lockdep_assert_held(&kvx->fdb_lock);
	if (cfg->dampen_moves) {
		if (time_before(now, f->hold_until)) {
			kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARN_DAMPENED);
			return;
		}
		if (time_after(now, f->window_start +
				    (unsigned long)cfg->dampen_window * HZ)) {
			f->window_start = now;
			f->window_moves = 0;
		}
		if (++f->window_moves > cfg->dampen_moves) {
			/* after the hold, moves are counted afresh */
			f->window_start = now + (unsigned long)cfg->dampen_hold * HZ;
			f->window_moves = 0;
			WRITE_ONCE(f->hold_until, f->window_start);
			kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARN_DAMPENED);
			return;
		}
	}

	r = kvx_remote_get(kvx, src);
	if (IS_ERR(r))
		return;
	kvx_fdb_set_remote(kvx, f, r);
	f->moves++;
	WRITE_ONCE(f->updated, now);
	kvx->fdb_gen++;
	kvx_cnt_inc(kvx->cnt, KVX_FDB_MOVED);
	kvx_fdb_notify_all(kvx, f, KVXLAN_EVENT_MOVED);
}

static void kvx_fdb_learn_slow(struct kvx_dev *kvx, const u8 *mac,
			       const struct kvx_ip *src,
			       const struct kvx_cfg *cfg)
{
	struct kvx_fdb *f;

	spin_lock(&kvx->fdb_lock);
	f = kvx_fdb_lookup(kvx, mac);	/* under RCU: the receive path */
	if (f) {
		if (f->kind == KVXLAN_FDB_KIND_LEARNED &&
		    !kvx_ip_eq(&kvx_fdb_remote(kvx, f)->ip, src))
			kvx_fdb_move(kvx, f, src, cfg);
	} else if (cfg->max_learned && kvx->n_learned >= cfg->max_learned) {
		kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARN_LIMIT);
	} else {
		f = kvx_fdb_create(kvx, mac, src, 0, KVX_VNI_DEV,
				   KVXLAN_FDB_KIND_LEARNED, NULL);
		if (!IS_ERR(f)) {
			kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARNED);
			kvx_fdb_notify_all(kvx, f, KVXLAN_EVENT_LEARNED);
		}
	}
	spin_unlock(&kvx->fdb_lock);
}

/* Counts a received packet for its sender, if the sender is a remote. */
void kvx_fdb_count_rx(struct kvx_dev *kvx, const struct kvx_ip *src,
		      unsigned int len)
{
	struct kvx_remote *r = kvx_remote_lookup(kvx, src);

	if (r)
		kvx_remote_count_rx(r, len);
}

/*
 * Receive path, under RCU with BHs off: the rest of kvx_fdb_learn() (in
 * learn.h), when @mac's entry @f is missing (NULL) or names another remote
 * than @src.
 */
void kvx_fdb_learn_other(struct kvx_dev *kvx, struct kvx_fdb *f,
			 const u8 *mac, const struct kvx_ip *src,
			 const struct kvx_cfg *cfg, unsigned int len)
{
	if (f) {
		if (READ_ONCE(f->kind) == KVXLAN_FDB_KIND_STATIC)
			goto count;
		if (cfg->dampen_moves &&
		    time_before(jiffies, READ_ONCE(f->hold_until))) {
			kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARN_DAMPENED);
			goto count;
		}
	} else if (cfg->max_learned &&
		   READ_ONCE(kvx->n_learned) >= cfg->max_learned) {
		kvx_cnt_inc(kvx->cnt, KVX_FDB_LEARN_LIMIT);
		goto count;
	}
	kvx_fdb_learn_slow(kvx, mac, src, cfg);
count:
	kvx_fdb_count_rx(kvx, src, len);
}

/* ----- ageing ----- */

void kvx_fdb_start_ageing(struct kvx_dev *kvx)
{
	queue_delayed_work(system_power_efficient_wq, &kvx->age_work,
			   KVX_AGE_INTERVAL);
}

struct kvx_age_arg {
	unsigned long timeout;		/* jiffies */
	unsigned int seen;		/* entries visited */
};

static int kvx_fdb_age_one(struct kvx_dev *kvx, struct kvx_fdb *f, void *arg)
{
	struct kvx_age_arg *a = arg;

	lockdep_assert_held(&kvx->fdb_lock);
	a->seen++;
	if (time_before(jiffies, READ_ONCE(f->updated) + a->timeout))
		return 0;
	kvx_fdb_destroy(kvx, f, KVXLAN_EVENT_AGED);
	kvx_cnt_inc(kvx->cnt, KVX_FDB_AGED);
	return KVX_WALK_GONE;
}

/*
 * Looks at up to KVX_AGE_BUDGET learned entries per run (all of them when
 * there are fewer), in rounds of KVX_AGE_BATCH under the lock, with the
 * FDB walker over the learned entries alone: static entries never age,
 * so a table of a million static entries costs the sweep nothing. Each
 * run goes on where the previous one stopped (age_pos), and from the
 * first learned entry again when it reaches the last: a learned entry is
 * looked at within n_learned / KVX_AGE_BUDGET + 1 runs, whatever the hash
 * table does meanwhile.
 */
void kvx_fdb_age(struct work_struct *work)
{
	struct kvx_dev *kvx = container_of(to_delayed_work(work),
					   struct kvx_dev, age_work);
	struct kvx_age_arg a = {};
	unsigned int todo = 0;
	int ret;

	rcu_read_lock();
	a.timeout = (unsigned long)rcu_dereference(kvx->cfg)->ageing * HZ;
	rcu_read_unlock();
	if (a.timeout)
		todo = min_t(u32, KVX_AGE_BUDGET, READ_ONCE(kvx->n_learned));

	while (todo) {
		a.seen = 0;
		spin_lock_bh(&kvx->fdb_lock);
		ret = kvx_fdb_walk(kvx, KVX_WALK_LEARNED, &kvx->age_pos,
				   min_t(unsigned int, todo, KVX_AGE_BATCH),
				   kvx_fdb_age_one, &a);
		spin_unlock_bh(&kvx->fdb_lock);
		todo -= min(todo, a.seen);
		if (ret != -EAGAIN) {
			/* the end of the table; an empty one ends the run */
			if (!kvx->age_pos.seq && !a.seen)
				break;
			memset(&kvx->age_pos, 0, sizeof(kvx->age_pos));
		}
		cond_resched();
	}
	/*
	 * An idle device costs no wakeup: the sweep stops with the last
	 * learned entry, and the next one learned starts it again. A learn
	 * racing with this read queues the work itself, as the work is no
	 * longer pending while it runs.
	 */
	if (READ_ONCE(kvx->n_learned))
		kvx_fdb_start_ageing(kvx);
}
