/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the inner flow's hash for the outer source port and flow label
 * (flowhash.c).
 */
#ifndef _KVX_FLOWHASH_H
#define _KVX_FLOWHASH_H

#include <linux/skbuff.h>

void kvx_flow_hash_init(void);
u32 kvx_flow_hash(const struct sk_buff *skb);

#endif /* _KVX_FLOWHASH_H */
