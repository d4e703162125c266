// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: shared UDP tunnel sockets.
 *
 * One kernel socket per (netns, port, family), opened when the first device
 * on that port goes up and closed when the last one goes down. A device is
 * on the socket of its local address's family, or on both the IPv4 and the
 * IPv6 socket when it has no local address (dual stack). Received packets
 * are demultiplexed to devices by VNI through each socket's hash.
 *
 * Binding: a socket is opened on the wildcard address. When every device
 * on it has the same local address and it holds no group membership, it
 * is bound to that address instead, in place, as connect() binds a socket
 * to its source address. The kernel's UDP lookup, which every received
 * datagram goes through (twice: in GRO and on delivery), tries the
 * exact address before the wildcard; a bound socket is found at the
 * first try, which saves a hash and a walk per datagram. It also leaves
 * the port on the host's other addresses to other sockets, and receives
 * nothing sent to them. What needs more (a device with another local
 * address or none, a group to join) widens the socket back to the
 * wildcard first, and fails, as bind() would, if another socket has taken
 * the port on an address the wildcard covers; the socket is narrowed again
 * once nothing needs the wildcard. Datagrams that arrive while the
 * socket moves between the two may miss it.
 */
#include <linux/hash.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/transp_v6.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "device.h"
#include "mcast.h"
#include "rcv.h"
#include "socket.h"

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

/* Sets @sk's receive and source address to @addr (AF_UNSPEC: the wildcard). */
static void kvx_sock_set_addr(struct sock *sk, const struct kvx_ip *addr)
{
	struct inet_sock *inet = inet_sk(sk);
	__be32 v4 = htonl(INADDR_ANY);

	if (sk->sk_family == AF_INET) {
		if (addr->family)
			v4 = addr->v4;
	}
#if IS_ENABLED(CONFIG_IPV6)
	else {
		sk->sk_v6_rcv_saddr = addr->family ? addr->v6 : in6addr_any;
		inet6_sk(sk)->saddr = sk->sk_v6_rcv_saddr;
		/* What inet6_bind() puts there for an address not v4-mapped. */
		if (addr->family)
			v4 = LOOPBACK4_IPV6;
	}
#endif
	inet->inet_rcv_saddr = v4;
	inet->inet_saddr = v4;
}

/*
 * Binds @vs to @addr (AF_UNSPEC: the wildcard) in place. The address is
 * changed under the lock of the port's hash slot, which bind() takes to
 * look for conflicts, and checked as bind() checks it against every
 * other socket on the port (kvxlan's own have no SO_REUSEADDR); on a
 * conflict it is put back and -EADDRINUSE returned. Then the socket
 * moves to the new address's slot of the lookup hash.
 */
static int kvx_sock_bind(struct kvx_sock *vs, const struct kvx_ip *addr)
{
	struct sock *sk = vs->sock->sk, *sk2;
	struct udp_hslot *hslot;
	int err = 0;

	ASSERT_RTNL();
	if (kvx_ip_eq(addr, &vs->bound))
		return 0;
	lock_sock(sk);
	hslot = udp_hashslot(kvx_compat_udp_table(sk), sock_net(sk),
			     udp_sk(sk)->udp_port_hash);
	spin_lock_bh(&hslot->lock);
	kvx_sock_set_addr(sk, addr);
	sk_for_each(sk2, &hslot->head) {
		if (sk2 != sk && net_eq(sock_net(sk2), sock_net(sk)) &&
		    udp_sk(sk2)->udp_port_hash == udp_sk(sk)->udp_port_hash &&
		    inet_rcv_saddr_equal(sk, sk2, true)) {
			kvx_sock_set_addr(sk, &vs->bound);
			err = -EADDRINUSE;
			break;
		}
	}
	spin_unlock_bh(&hslot->lock);
	if (!err) {
		sk->sk_prot->rehash(sk);
		vs->bound = *addr;
	}
	release_sock(sk);
	return err;
}

/*
 * The address a device of configuration @cfg needs a socket of @family
 * bound to: its local address, or the wildcard (AF_UNSPEC) without one.
 */
static void kvx_sock_addr_of(const struct kvx_cfg *cfg, sa_family_t family,
			     struct kvx_ip *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (cfg->local.family == family)
		*addr = cfg->local;
}

/*
 * Makes @vs receive what is sent to @addr (NULL: to any address, as a
 * group membership needs), widening it to the wildcard unless it is
 * there or bound to @addr already. -EADDRINUSE: another socket has the
 * port on an address the wildcard covers.
 */
int kvx_sock_admit(struct kvx_sock *vs, const struct kvx_ip *addr)
{
	static const struct kvx_ip any;

	ASSERT_RTNL();
	if (!vs->bound.family || (addr && kvx_ip_eq(addr, &vs->bound)))
		return 0;
	return kvx_sock_bind(vs, &any);
}

/*
 * Narrows @vs, if it is on the wildcard, to the local address of the
 * devices hashed on it when they all have the same one and it holds no
 * group membership. From the wildcard, no other socket can hold the
 * port (bind() refuses it), so this does not fail; what would need it
 * wider is admitted (kvx_sock_admit()) before it is hashed or joined.
 */
void kvx_sock_rebind(struct kvx_sock *vs)
{
	struct kvx_ip want = {}, addr;
	struct kvx_vni_node *n;
	unsigned int i;

	ASSERT_RTNL();
	if (vs->bound.family || !list_empty(&vs->mcs))
		return;
	for (i = 0; i < ARRAY_SIZE(vs->vni_hash); i++) {
		hlist_for_each_entry(n, &vs->vni_hash[i], node) {
			kvx_sock_addr_of(rtnl_dereference(n->kvx->cfg),
					 vs->family, &addr);
			if (!addr.family ||
			    (want.family && !kvx_ip_eq(&addr, &want)))
				return;
			want = addr;
		}
	}
	if (want.family)
		WARN_ON_ONCE(kvx_sock_bind(vs, &want));
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

/* Takes a user reference on the socket of (@port, @family), opening it. */
static struct kvx_sock *kvx_sock_get(struct kvx_net *kn, __be16 port,
				     sa_family_t family)
{
	struct kvx_sock *vs;

	ASSERT_RTNL();
	vs = kvx_sock_find(kn, port, family);
	if (!vs) {
		vs = kvx_sock_create(kn, port, family);
		if (IS_ERR(vs))
			return vs;
	}
	vs->users++;
	return vs;
}

/* Drops a user reference; the socket may narrow (kvx_sock_rebind()). */
static void kvx_sock_put(struct kvx_sock *vs)
{
	ASSERT_RTNL();
	if (!vs)
		return;
	if (!--vs->users)
		kvx_sock_release(vs);
	else
		kvx_sock_rebind(vs);
}

/* Drops the references kvx_socks_get() took, last family first. */
void kvx_socks_put(struct kvx_sock **socks)
{
	kvx_sock_put(socks[KVX_SOCK6]);
	kvx_sock_put(socks[KVX_SOCK4]);
	socks[KVX_SOCK6] = NULL;
	socks[KVX_SOCK4] = NULL;
}

/*
 * Takes the socket of @family a device of configuration @cfg is on while
 * up (opening it if needed), admitting the device's address on it.
 */
static struct kvx_sock *kvx_sock_get_for(struct kvx_net *kn,
					 const struct kvx_cfg *cfg,
					 sa_family_t family,
					 struct netlink_ext_ack *extack)
{
	struct kvx_sock *vs;
	struct kvx_ip addr;
	int err;

	vs = kvx_sock_get(kn, cfg->port, family);
	if (IS_ERR(vs)) {
		if (family == AF_INET)
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot open the IPv4 UDP socket for the port");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot open the IPv6 UDP socket for the port");
		return vs;
	}
	kvx_sock_addr_of(cfg, family, &addr);
	err = kvx_sock_admit(vs, &addr);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Another socket has the UDP port on a local address; the device's kvxlan socket, bound to another one, cannot receive on every address");
		kvx_sock_put(vs);
		return ERR_PTR(err);
	}
	return vs;
}

/*
 * Takes the sockets a device of configuration @cfg is on while up, per
 * family (opening them if needed), into @socks; nothing is hashed. A
 * dual-stack device on a host without IPv6 makes do with IPv4.
 */
int kvx_socks_get(struct kvx_net *kn, const struct kvx_cfg *cfg,
		  struct kvx_sock **socks, struct netlink_ext_ack *extack)
{
	struct kvx_sock *vs;

	ASSERT_RTNL();
	socks[KVX_SOCK4] = NULL;
	socks[KVX_SOCK6] = NULL;
	if (cfg->family == AF_INET6 && !ipv6_mod_enabled()) {
		NL_SET_ERR_MSG_MOD(extack, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	if (cfg->family != AF_INET6) {
		vs = kvx_sock_get_for(kn, cfg, AF_INET, extack);
		if (IS_ERR(vs))
			return PTR_ERR(vs);
		socks[KVX_SOCK4] = vs;
	}
	if (cfg->family != AF_INET && ipv6_mod_enabled()) {
		vs = kvx_sock_get_for(kn, cfg, AF_INET6, extack);
		if (IS_ERR(vs)) {
			kvx_socks_put(socks);
			return PTR_ERR(vs);
		}
		socks[KVX_SOCK6] = vs;
	}
	return 0;
}

/* Takes the device's nodes off the VNI chains of its sockets. */
static void kvx_socks_unhash(struct kvx_dev *kvx)
{
	int i;

	ASSERT_RTNL();
	for (i = 0; i < KVX_NSOCKS; i++) {
		if (hlist_unhashed(&kvx->vni_node[i].node))
			continue;
		hlist_del_init_rcu(&kvx->vni_node[i].node);
		kvx->vni_unhash_gp = get_state_synchronize_rcu();
	}
}

/*
 * Puts the device on the VNI chains of @vni in @socks, and makes @socks
 * its sockets; drops its references on the sockets it was on (the caller's
 * references on @socks become the device's), whose memberships the
 * device must have dropped first (kvx_mcast_commit()). A node that left a chain is
 * put on another only after a grace period: a reader standing on it would
 * otherwise follow it into the wrong chain and miss the rest of its own.
 * The sockets may narrow then (kvx_sock_rebind()). Cannot fail.
 */
void kvx_socks_switch(struct kvx_dev *kvx, struct kvx_sock **socks, u32 vni)
{
	struct kvx_sock *old[KVX_NSOCKS];
	bool rehash = READ_ONCE(kvx->vni_key) != vni;
	int i;

	ASSERT_RTNL();
	for (i = 0; i < KVX_NSOCKS; i++) {
		old[i] = rtnl_dereference(kvx->sock[i]);
		if (old[i] != socks[i])
			rehash = true;
	}
	if (rehash) {
		kvx_socks_unhash(kvx);
		WRITE_ONCE(kvx->vni_key, vni);
	}
	for (i = 0; rehash && i < KVX_NSOCKS; i++) {
		if (!socks[i])
			continue;
		if (!poll_state_synchronize_rcu(kvx->vni_unhash_gp))
			synchronize_net();
		hlist_add_head_rcu(&kvx->vni_node[i].node,
				   kvx_vni_head(socks[i], vni));
	}
	for (i = 0; i < KVX_NSOCKS; i++) {
		rcu_assign_pointer(kvx->sock[i], socks[i]);
		if (socks[i])
			kvx_sock_rebind(socks[i]);
	}
	kvx_socks_put(old);
}

/*
 * Attaches a device that goes up to the sockets for its port and family
 * (opening them if needed), hashes it under its VNI and joins its groups;
 * all or nothing: as the in-tree driver's open, it fails if a group
 * cannot be joined.
 */
int kvx_sock_attach(struct kvx_dev *kvx, struct netlink_ext_ack *extack)
{
	const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);
	struct kvx_sock *socks[KVX_NSOCKS];
	struct kvx_mc_set set;
	int err;

	ASSERT_RTNL();
	err = kvx_socks_get(kvx->kn, cfg, socks, extack);
	if (err)
		goto err_socks;
	err = kvx_mcast_prepare(kvx, socks, cfg, rtnl_dereference(kvx->flood),
				true, &set, extack);
	if (err)
		goto err_mcast;
	kvx_mcast_commit(kvx, &set);
	kvx_socks_switch(kvx, socks, cfg->vni);
	return 0;

err_mcast:
	kvx_socks_put(socks);
err_socks:
	return err;
}

void kvx_sock_detach(struct kvx_dev *kvx)
{
	struct kvx_sock *none[KVX_NSOCKS] = {};

	ASSERT_RTNL();
	kvx_mcast_leave_all(kvx);
	kvx_socks_switch(kvx, none, READ_ONCE(kvx->vni_key));
}
