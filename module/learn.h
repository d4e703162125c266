/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: learning, MAC-move dampening, ageing (learn.c).
 */
#ifndef _KVX_LEARN_H
#define _KVX_LEARN_H

#include "kvx.h"

struct kvx_cfg;
struct work_struct;

void kvx_fdb_learn(struct kvx_dev *kvx, const u8 *mac,
		   const struct kvx_ip *src, const struct kvx_cfg *cfg,
		   unsigned int len);
void kvx_fdb_count_rx(struct kvx_dev *kvx, const struct kvx_ip *src,
		      unsigned int len);
void kvx_fdb_start_ageing(struct kvx_dev *kvx);
void kvx_fdb_age(struct work_struct *work);

#endif /* _KVX_LEARN_H */
