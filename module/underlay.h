/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the underlay's lifecycle (underlay.c).
 */
#ifndef _KVX_UNDERLAY_H
#define _KVX_UNDERLAY_H

#include <linux/notifier.h>

extern struct notifier_block kvx_netdev_notifier;

#endif /* _KVX_UNDERLAY_H */
