/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: a kvxlan device: its configuration (struct kvx_cfg) and private
 * state (struct kvx_dev), and its net_device_ops (device.c).
 */
#ifndef _KVX_DEVICE_H
#define _KVX_DEVICE_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/gro_cells.h>

#include "kvx.h"
#include "fdb.h"
#include "socket.h"
#include "stats.h"

/*
 * A device's configuration. Published through kvx_dev.cfg and never
 * modified once published: a change builds a new one (RTNL) and frees the
 * old one after an RCU grace period.
 */
struct kvx_cfg {
	struct kvx_ip local;		/* AF_UNSPEC: chosen by routing */
	/*
	 * The underlay family: local's, or AF_UNSPEC without a local address
	 * (dual stack: both sockets, remotes of either family).
	 */
	sa_family_t family;
	u32 vni;
	int link;			/* underlay ifindex, 0 for none */
	__be16 port;
	u16 port_min;
	u16 port_max;
	u8 ttl;
	u8 tos;
	u8 df;
	u32 label;			/* flow label, or KVXLAN_FLOWLABEL_AUTO */
	bool udp_csum;			/* IPv4: compute the UDP checksum */
	bool udp6_zero_tx;		/* IPv6: send a zero UDP checksum */
	bool udp6_zero_rx;		/* IPv6: accept a zero UDP checksum */
	bool learning;
	u32 ageing;
	u32 max_learned;
	u32 dampen_moves;		/* 0: no dampening */
	u32 dampen_window;		/* seconds */
	u32 dampen_hold;		/* seconds */
	bool peers_only;		/* rx only from known remotes */
	bool proxy;			/* ARP/ND suppression (proxy.c) */
	struct rcu_head rcu;
};

struct kvx_flood;
struct kvx_mc;

/* netdev_priv() of a kvxlan device. */
struct kvx_dev {
	struct net_device *dev;
	struct kvx_net *kn;		/* of the link namespace; set once */
	struct list_head list;		/* in kvx_net.devs, RTNL */
	struct hlist_node hash_node;	/* in kvx_net.dev_hash, RTNL */
	struct kvx_cfg __rcu *cfg;	/* RTNL writers, RCU readers */
	/* The sockets of its port while up, per family; RTNL / RCU */
	struct kvx_sock __rcu *sock[KVX_NSOCKS];
	struct kvx_vni_node vni_node[KVX_NSOCKS]; /* in sock[i]->vni_hash */
	u32 vni_key;			/* VNI it is hashed under, RTNL */
	/*
	 * The RCU state when vni_node[] last left the hash chains: a node is
	 * put on a chain again only once readers that may stand on it are
	 * gone (they would follow it into the new chain). RTNL.
	 */
	unsigned long vni_unhash_gp;
	struct gro_cells gro_cells;
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_dev_cnt */

	/*
	 * fdb_lock (BH) protects the FDB and remote hash tables (writers),
	 * the creation-ordered lists below, every kvx_remote's refs and
	 * fdb_refs, every kvx_fdb's remote, kind and dampening state, and
	 * the counts and sequence numbers marked fdb_lock; the flood pointer
	 * is replaced under RTNL and fdb_lock both (its remote references
	 * are fdb_lock's). The data path reads tables, lists and flood list
	 * under RCU.
	 */
	spinlock_t fdb_lock;
	struct rhashtable fdb;		/* struct kvx_fdb by MAC */
	struct rhashtable remotes;	/* struct kvx_remote by address */
	/* NULL when empty; RTNL + fdb_lock writers, RCU readers */
	struct kvx_flood __rcu *flood;
	struct kvx_mc **joined;		/* memberships held, RTNL */
	unsigned int n_joined;		/* RTNL */
	u32 n_static;			/* fdb_lock */
	u32 n_learned;			/* fdb_lock, read locklessly */
	u32 n_mcast;			/* multicast MACs; as n_learned */
	u32 fdb_gen;			/* bumped on each change; fdb_lock, read locklessly */
	struct delayed_work age_work;	/* the ageing sweep */
	/*
	 * Every entry, the learned ones alone and every remote, in creation
	 * order (struct kvx_ord); fdb_lock writers, RCU readers
	 */
	struct list_head fdb_list;
	struct list_head learned;
	struct list_head remote_list;
	u64 ord_seq;			/* the last kvx_ord.seq given; fdb_lock */
	struct kvx_fdb_pos age_pos;	/* where the sweep goes on; age_work */
};

/*
 * The device's link namespace: where it was created, where its sockets,
 * routes, underlay devices and memberships are, wherever the device itself
 * (dev_net(): the inner side) lives since.
 */
static inline struct net *kvx_link_net(const struct kvx_dev *kvx)
{
	return kvx->kn->net;
}

/* device.c */
void kvx_setup(struct net_device *dev);

/* link.c */
struct kvx_dev *kvx_from_dev(struct net_device *dev);

#endif /* _KVX_DEVICE_H */
