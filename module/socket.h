/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the shared UDP tunnel sockets and their VNI hash (socket.c).
 */
#ifndef _KVX_SOCKET_H
#define _KVX_SOCKET_H

#include <linux/hash.h>
#include <linux/list.h>
#include <linux/net.h>

#include "kvx.h"

#define KVX_VNI_HASH_BITS	8

struct kvx_cfg;

/*
 * A kernel UDP tunnel socket, one per (netns, port, family), shared by
 * every kvxlan device of the namespace that is up on that port. It is
 * bound to the wildcard address, or to the local address of its devices
 * when they all have the same one and it holds no group membership
 * (socket.c, "Binding").
 */
struct kvx_sock {
	struct list_head list;		/* in kvx_net.socks, RTNL */
	struct socket *sock;
	struct kvx_net *kn;
	unsigned int users;		/* devices attached, RTNL */
	__be16 port;
	sa_family_t family;
	struct kvx_ip bound;		/* AF_UNSPEC: the wildcard; RTNL */
	struct list_head mcs;		/* struct kvx_mc, RTNL */
	struct hlist_head vni_hash[1 << KVX_VNI_HASH_BITS]; /* RTNL / RCU */
	struct rcu_head rcu;
};

/* A device's entry in a socket's VNI hash (one per socket it is on). */
struct kvx_vni_node {
	struct hlist_node node;		/* RTNL writers, RCU readers */
	struct kvx_dev *kvx;
};

int kvx_sock_attach(struct kvx_dev *kvx, struct netlink_ext_ack *extack);
void kvx_sock_detach(struct kvx_dev *kvx);
int kvx_socks_get(struct kvx_net *kn, const struct kvx_cfg *cfg,
		  struct kvx_sock **socks, struct netlink_ext_ack *extack);
void kvx_socks_put(struct kvx_sock **socks);
void kvx_socks_switch(struct kvx_dev *kvx, struct kvx_sock **socks, u32 vni);
int kvx_sock_admit(struct kvx_sock *vs, const struct kvx_ip *addr);
void kvx_sock_rebind(struct kvx_sock *vs);

/* The bucket of @vni in @vs's VNI hash. */
static inline struct hlist_head *kvx_vni_head(struct kvx_sock *vs, u32 vni)
{
	return &vs->vni_hash[hash_32(vni, KVX_VNI_HASH_BITS)];
}

#endif /* _KVX_SOCKET_H */
