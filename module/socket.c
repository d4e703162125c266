// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: shared UDP tunnel sockets.
 *
 * One kernel socket per (netns, port, family), opened when the first device
 * on that port goes up and closed when the last one goes down. A device is
 * on the socket of its local address's family, or on both the IPv4 and the
 * IPv6 socket when it has no local address (dual stack). Received packets
 * are demultiplexed to devices by VNI through each socket's hash.
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
	vs = kzalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < ARRAY_SIZE(vs->vni_hash); i++)
		INIT_HLIST_HEAD(&vs->vni_hash[i]);
	INIT_LIST_HEAD(&vs->mcs);

	ucfg.family = family;
	ucfg.local_udp_port = port;
	if (family == AF_INET6) {
		ucfg.local_ip6 = in6addr_any;
		ucfg.ipv6_v6only = 1;
		/*
		 * Zero checksums are let through the UDP layer and judged per
		 * device (udp6zerocsumrx), so that a drop is counted.
		 */
		ucfg.use_udp6_rx_checksums = false;
	} else {
		ucfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
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
	kvx_sock_set_gro(&tcfg);
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

/* Takes the socket of (@kvx's port, @family), opening it if needed. */
static int kvx_sock_attach_one(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
			       sa_family_t family)
{
	int i = kvx_sock_idx(family);
	struct kvx_sock *vs;

	ASSERT_RTNL();
	vs = kvx_sock_find(kvx->kn, cfg->port, family);
	if (!vs) {
		vs = kvx_sock_create(kvx->kn, cfg->port, family);
		if (IS_ERR(vs))
			return PTR_ERR(vs);
	}
	vs->users++;
	hlist_add_head_rcu(&kvx->vni_node[i].node, kvx_vni_head(vs, cfg->vni));
	rcu_assign_pointer(kvx->sock[i], vs);
	return 0;
}

static void kvx_sock_detach_one(struct kvx_dev *kvx, int i)
{
	struct kvx_sock *vs = rtnl_dereference(kvx->sock[i]);

	ASSERT_RTNL();
	if (!vs)
		return;
	hlist_del_init_rcu(&kvx->vni_node[i].node);
	RCU_INIT_POINTER(kvx->sock[i], NULL);
	if (!--vs->users)
		kvx_sock_release(vs);
}

/*
 * Attaches an up device to the sockets for its port and family (opening
 * them if needed) and hashes it under its VNI. A dual-stack device on a
 * host without IPv6 makes do with IPv4.
 */
int kvx_sock_attach(struct kvx_dev *kvx, struct netlink_ext_ack *extack)
{
	const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);
	int err = 0;

	ASSERT_RTNL();
	WRITE_ONCE(kvx->vni_key, cfg->vni);
	if (cfg->family != AF_INET6) {
		err = kvx_sock_attach_one(kvx, cfg, AF_INET);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot open the IPv4 UDP socket for the port");
			return err;
		}
	}
	if (cfg->family != AF_INET && ipv6_mod_enabled()) {
		err = kvx_sock_attach_one(kvx, cfg, AF_INET6);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot open the IPv6 UDP socket for the port");
			kvx_sock_detach_one(kvx, KVX_SOCK4);
			return err;
		}
	}
	if (!rcu_access_pointer(kvx->sock[KVX_SOCK4]) &&
	    !rcu_access_pointer(kvx->sock[KVX_SOCK6])) {
		NL_SET_ERR_MSG_MOD(extack, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	/* A group that cannot be joined now is reported, not fatal. */
	kvx_mcast_sync(kvx, NULL);
	return 0;
}

void kvx_sock_detach(struct kvx_dev *kvx)
{
	ASSERT_RTNL();
	kvx_mcast_leave_all(kvx);
	kvx_sock_detach_one(kvx, KVX_SOCK6);
	kvx_sock_detach_one(kvx, KVX_SOCK4);
}

/* Called from the receive path, under RCU. */
struct kvx_dev *kvx_sock_lookup_vni(struct kvx_sock *vs, u32 vni)
{
	struct kvx_vni_node *n;

	hlist_for_each_entry_rcu(n, kvx_vni_head(vs, vni), node)
		if (READ_ONCE(n->kvx->vni_key) == vni)
			return n->kvx;
	return NULL;
}
