// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: shared UDP tunnel sockets.
 *
 * One kernel socket per (netns, port, family), opened when the first device
 * on that port goes up and closed when the last one goes down. Received
 * packets are demultiplexed to devices by VNI through the socket's hash.
 */
#include <linux/hash.h>
#include <linux/rtnetlink.h>
#include <net/udp_tunnel.h>

#include "kvx.h"

static struct hlist_head *kvx_vni_head(struct kvx_sock *vs, u32 vni)
{
	return &vs->vni_hash[hash_32(vni, KVX_VNI_HASH_BITS)];
}

static struct kvx_sock *kvx_sock_find(struct kvx_net *kn, __be16 port,
				      sa_family_t family)
{
	struct kvx_sock *vs;

	ASSERT_RTNL();
	list_for_each_entry(vs, &kn->socks, list)
		if (vs->port == port && vs->family == family)
			return vs;
	return NULL;
}

static struct kvx_sock *kvx_sock_create(struct kvx_net *kn, __be16 port,
					sa_family_t family)
{
	struct udp_tunnel_sock_cfg tcfg = {};
	struct udp_port_cfg ucfg = {};
	struct kvx_sock *vs;
	struct socket *sock;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	if (family != AF_INET)
		return ERR_PTR(-EAFNOSUPPORT);

	vs = kzalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < ARRAY_SIZE(vs->vni_hash); i++)
		INIT_HLIST_HEAD(&vs->vni_hash[i]);
	INIT_LIST_HEAD(&vs->mcs);

	ucfg.family = AF_INET;
	ucfg.local_ip.s_addr = htonl(INADDR_ANY);
	ucfg.local_udp_port = port;
	err = udp_sock_create(kn->net, &ucfg, &sock);
	if (err < 0) {
		kfree(vs);
		return ERR_PTR(err);
	}

	vs->sock = sock;
	vs->kn = kn;
	vs->port = port;
	vs->family = family;

	tcfg.sk_user_data = vs;
	tcfg.encap_type = 1;	/* UDP_ENCAP_VXLAN's value; any non-zero works */
	tcfg.encap_rcv = kvx_udp_encap_rcv;
	setup_udp_tunnel_sock(kn->net, sock, &tcfg);

	list_add(&vs->list, &kn->socks);
	return vs;
}

static void kvx_sock_release(struct kvx_sock *vs)
{
	ASSERT_RTNL();
	WARN_ON_ONCE(!list_empty(&vs->mcs));
	list_del(&vs->list);
	/* Clears sk_user_data and waits for readers before closing. */
	udp_tunnel_sock_release(vs->sock);
	/* Receivers that fetched vs before that may still walk vni_hash. */
	kfree_rcu(vs, rcu);
}

/*
 * Attaches an up device to the socket for its port (opening it if needed)
 * and hashes it under its VNI.
 */
int kvx_sock_attach(struct kvx_dev *kvx)
{
	const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);
	struct kvx_sock *vs;

	ASSERT_RTNL();
	vs = kvx_sock_find(kvx->kn, cfg->port, cfg->family);
	if (!vs) {
		vs = kvx_sock_create(kvx->kn, cfg->port, cfg->family);
		if (IS_ERR(vs))
			return PTR_ERR(vs);
	}
	vs->users++;
	WRITE_ONCE(kvx->vni_key, cfg->vni);
	hlist_add_head_rcu(&kvx->vni_node, kvx_vni_head(vs, cfg->vni));
	rcu_assign_pointer(kvx->sock, vs);
	/* A group that cannot be joined now is reported, not fatal. */
	kvx_mcast_sync(kvx, NULL);
	return 0;
}

void kvx_sock_detach(struct kvx_dev *kvx)
{
	struct kvx_sock *vs = rtnl_dereference(kvx->sock);

	ASSERT_RTNL();
	if (!vs)
		return;
	kvx_mcast_leave_all(kvx);
	hlist_del_init_rcu(&kvx->vni_node);
	RCU_INIT_POINTER(kvx->sock, NULL);
	if (!--vs->users)
		kvx_sock_release(vs);
}

/* Called from the receive path, under RCU. */
struct kvx_dev *kvx_sock_lookup_vni(struct kvx_sock *vs, u32 vni)
{
	struct kvx_dev *kvx;

	hlist_for_each_entry_rcu(kvx, kvx_vni_head(vs, vni), vni_node)
		if (READ_ONCE(kvx->vni_key) == vni)
			return kvx;
	return NULL;
}
