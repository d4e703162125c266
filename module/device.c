// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the network device and its rtnetlink link type.
 */
#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "kvx.h"

/*
 * The IFLA_KVXLAN_DAMPEN_* ranges: beyond the s16 NLA_POLICY_RANGE holds.
 * Not const: on 6.1 nla_policy.range is a pointer to non-const.
 */
static struct netlink_range_validation kvx_dampen_moves_range = {
	.max = KVXLAN_DAMPEN_MOVES_MAX,
};

static struct netlink_range_validation kvx_dampen_window_range = {
	.min = 1,
	.max = KVXLAN_DAMPEN_WINDOW_MAX,
};

static struct netlink_range_validation kvx_dampen_hold_range = {
	.min = 1,
	.max = KVXLAN_DAMPEN_HOLD_MAX,
};

static const struct nla_policy kvx_policy[IFLA_KVXLAN_MAX + 1] = {
	[IFLA_KVXLAN_VNI]		= { .type = NLA_U32 },
	[IFLA_KVXLAN_LOCAL]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[IFLA_KVXLAN_REMOTE]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[IFLA_KVXLAN_LINK]		= { .type = NLA_U32 },
	[IFLA_KVXLAN_PORT]		= { .type = NLA_U16 },
	[IFLA_KVXLAN_PORT_RANGE]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct kvxlan_port_range)),
	[IFLA_KVXLAN_TTL]		= { .type = NLA_U8 },
	[IFLA_KVXLAN_TOS]		= { .type = NLA_U8 },
	[IFLA_KVXLAN_DF]		= NLA_POLICY_MAX(NLA_U8, KVXLAN_DF_MAX),
	[IFLA_KVXLAN_LEARNING]		= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_KVXLAN_AGEING]		= { .type = NLA_U32 },
	[IFLA_KVXLAN_MAX_LEARNED]	= { .type = NLA_U32 },
	[IFLA_KVXLAN_GROUP]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[IFLA_KVXLAN_UDP_CSUM]		= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_KVXLAN_FLOWLABEL]		= { .type = NLA_U32 },
	[IFLA_KVXLAN_DAMPEN_MOVES]	=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_dampen_moves_range),
	[IFLA_KVXLAN_DAMPEN_WINDOW]	=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_dampen_window_range),
	[IFLA_KVXLAN_DAMPEN_HOLD]	=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_dampen_hold_range),
	[IFLA_KVXLAN_PEERS_ONLY]	= NLA_POLICY_MAX(NLA_U8, 1),
};

static void kvx_cfg_free(struct kvx_cfg *cfg)
{
	if (cfg)
		kfree_rcu(cfg, rcu);
}

static void kvx_cfg_defaults(struct net *net, struct kvx_cfg *cfg)
{
	int low, high;

	memset(cfg, 0, sizeof(*cfg));
	inet_get_local_port_range(net, &low, &high);
	cfg->family = AF_UNSPEC;
	cfg->port = htons(KVXLAN_DEFAULT_PORT);
	cfg->port_min = low;
	cfg->port_max = high;
	cfg->learning = true;
	cfg->ageing = KVXLAN_DEFAULT_AGEING;
	cfg->max_learned = KVXLAN_DEFAULT_MAX_LEARNED;
	cfg->dampen_moves = KVXLAN_DAMPEN_MOVES;
	cfg->dampen_window = KVXLAN_DAMPEN_WINDOW;
	cfg->dampen_hold = KVXLAN_DAMPEN_HOLD;
}

/* An address attribute: 4 bytes for IPv4, 16 for IPv6, 0 for none. */
int kvx_ip_from_nla(const struct nlattr *nla, struct kvx_ip *ip,
		    struct netlink_ext_ack *extack)
{
	memset(ip, 0, sizeof(*ip));
	switch (nla_len(nla)) {
	case 0:
		return 0;
	case sizeof(struct in_addr):
		ip->family = AF_INET;
		ip->v4 = nla_get_in_addr(nla);
		return 0;
	case sizeof(struct in6_addr):
		ip->family = AF_INET6;
		ip->v6 = nla_get_in6_addr(nla);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "Address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

int kvx_ip_put(struct sk_buff *skb, int type, const struct kvx_ip *ip)
{
	if (ip->family == AF_INET)
		return nla_put_in_addr(skb, type, ip->v4);
	if (ip->family == AF_INET6)
		return nla_put_in6_addr(skb, type, &ip->v6);
	return 0;
}

/*
 * Checks that @ip can be a remote VTEP (or, for @kind GROUP, a group) of a
 * device of family @family.
 */
static int kvx_check_remote_family(sa_family_t family, const struct kvx_ip *ip,
				   enum kvx_addr_kind kind,
				   const struct nlattr *nla,
				   struct netlink_ext_ack *extack)
{
	bool mcast = kvx_ip_multicast(ip);

	if (family != AF_UNSPEC && ip->family != family) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "Address family does not match the device's local address family");
		return -EINVAL;
	}
	if (ip->family == AF_INET6 && !ipv6_mod_enabled()) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	if (ip->family == AF_INET ?
	    ipv4_is_lbcast(ip->v4) || ipv4_is_zeronet(ip->v4) ||
	    ipv4_is_loopback(ip->v4) :
	    ipv6_addr_any(&ip->v6) || ipv6_addr_loopback(&ip->v6) ||
	    ipv6_addr_v4mapped(&ip->v6)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "Address must not be broadcast, zero, loopback or v4-mapped");
		return -EINVAL;
	}
	if (kind == KVX_ADDR_UNICAST && mcast) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "Remote address must be unicast (use a group for multicast)");
		return -EINVAL;
	}
	if (kind == KVX_ADDR_GROUP && !mcast) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "Group address must be multicast");
		return -EINVAL;
	}
	return 0;
}

int kvx_check_remote(const struct kvx_dev *kvx, const struct kvx_ip *ip,
		     enum kvx_addr_kind kind, const struct nlattr *nla,
		     struct netlink_ext_ack *extack)
{
	const struct kvx_cfg *cfg;
	sa_family_t family;

	rcu_read_lock();
	cfg = rcu_dereference(kvx->cfg);
	family = cfg->family;
	rcu_read_unlock();
	return kvx_check_remote_family(family, ip, kind, nla, extack);
}

/*
 * What a link request asks for: a configuration and the first flood entry
 * (IFLA_KVXLAN_REMOTE or IFLA_KVXLAN_GROUP).
 */
struct kvx_link_req {
	struct kvx_cfg cfg;
	struct kvx_ip remote;
	bool has_remote;		/* REMOTE or GROUP given */
};

/*
 * Builds a configuration from netlink attributes on top of @cfg (the
 * defaults on creation, the current values on change) and checks it.
 */
static int kvx_cfg_parse(struct net *net, struct nlattr *data[],
			 struct kvx_link_req *req, bool changing,
			 struct netlink_ext_ack *extack)
{
	struct kvx_cfg *cfg = &req->cfg;
	struct nlattr *nla;
	int err;

	if (!data || !data[IFLA_KVXLAN_VNI]) {
		if (!changing) {
			NL_SET_ERR_MSG_MOD(extack,
					   "VNI is required (use \"kvxlan link add NAME vni VNI ...\")");
			return -EINVAL;
		}
	}
	if (!data)
		return 0;

	nla = data[IFLA_KVXLAN_VNI];
	if (nla) {
		cfg->vni = nla_get_u32(nla);
		if (cfg->vni > KVXLAN_VNI_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "VNI must be between 0 and 16777215");
			return -ERANGE;
		}
	}

	nla = data[IFLA_KVXLAN_LOCAL];
	if (nla) {
		err = kvx_ip_from_nla(nla, &cfg->local, extack);
		if (err)
			return err;
	}
	if (data[IFLA_KVXLAN_REMOTE] && data[IFLA_KVXLAN_GROUP]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A device has a remote or a group, not both");
		return -EINVAL;
	}
	nla = data[IFLA_KVXLAN_REMOTE] ?: data[IFLA_KVXLAN_GROUP];
	if (nla) {
		err = kvx_ip_from_nla(nla, &req->remote, extack);
		if (err)
			return err;
		req->has_remote = true;
	}
	if (kvx_ip_set(&cfg->local) && kvx_ip_set(&req->remote) &&
	    cfg->local.family != req->remote.family) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Local and remote address families must match");
		return -EINVAL;
	}
	if (kvx_ip_set(&cfg->local) &&
	    (kvx_ip_multicast(&cfg->local) ||
	     (cfg->local.family == AF_INET ?
	      ipv4_is_lbcast(cfg->local.v4) :
	      ipv6_addr_any(&cfg->local.v6) ||
	      ipv6_addr_v4mapped(&cfg->local.v6)))) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_KVXLAN_LOCAL],
				    "Local address must be unicast");
		return -EINVAL;
	}
	if (cfg->local.family == AF_INET6 && !ipv6_mod_enabled()) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_KVXLAN_LOCAL],
				    "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	/* The local address pins the underlay family; none: dual stack. */
	cfg->family = cfg->local.family;
	if (kvx_ip_set(&req->remote)) {
		err = kvx_check_remote_family(cfg->family, &req->remote,
					      data[IFLA_KVXLAN_REMOTE] ?
					      KVX_ADDR_UNICAST : KVX_ADDR_GROUP,
					      nla, extack);
		if (err)
			return err;
	}

	nla = data[IFLA_KVXLAN_LINK];
	if (nla) {
		cfg->link = nla_get_u32(nla);
		if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Unknown underlay device");
			return -ENODEV;
		}
	}

	nla = data[IFLA_KVXLAN_PORT];
	if (nla) {
		if (!nla_get_u16(nla)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "UDP port must not be 0");
			return -EINVAL;
		}
		cfg->port = htons(nla_get_u16(nla));
	}

	nla = data[IFLA_KVXLAN_PORT_RANGE];
	if (nla) {
		const struct kvxlan_port_range *r = nla_data(nla);

		if (!r->low || r->low > r->high) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "Source port range must satisfy 1 <= low <= high");
			return -EINVAL;
		}
		cfg->port_min = r->low;
		cfg->port_max = r->high;
	}

	if (data[IFLA_KVXLAN_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_KVXLAN_TTL]);
	if (data[IFLA_KVXLAN_TOS])
		cfg->tos = nla_get_u8(data[IFLA_KVXLAN_TOS]);
	if (data[IFLA_KVXLAN_DF])
		cfg->df = nla_get_u8(data[IFLA_KVXLAN_DF]);
	if (data[IFLA_KVXLAN_LEARNING])
		cfg->learning = nla_get_u8(data[IFLA_KVXLAN_LEARNING]);
	if (data[IFLA_KVXLAN_AGEING])
		cfg->ageing = nla_get_u32(data[IFLA_KVXLAN_AGEING]);
	if (data[IFLA_KVXLAN_MAX_LEARNED])
		cfg->max_learned = nla_get_u32(data[IFLA_KVXLAN_MAX_LEARNED]);
	if (data[IFLA_KVXLAN_DAMPEN_MOVES])
		cfg->dampen_moves = nla_get_u32(data[IFLA_KVXLAN_DAMPEN_MOVES]);
	if (data[IFLA_KVXLAN_DAMPEN_WINDOW])
		cfg->dampen_window =
			nla_get_u32(data[IFLA_KVXLAN_DAMPEN_WINDOW]);
	if (data[IFLA_KVXLAN_DAMPEN_HOLD])
		cfg->dampen_hold = nla_get_u32(data[IFLA_KVXLAN_DAMPEN_HOLD]);
	if (data[IFLA_KVXLAN_PEERS_ONLY])
		cfg->peers_only = nla_get_u8(data[IFLA_KVXLAN_PEERS_ONLY]);
	if (data[IFLA_KVXLAN_UDP_CSUM])
		cfg->udp_csum = nla_get_u8(data[IFLA_KVXLAN_UDP_CSUM]);
	if (data[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX])
		cfg->udp6_zero_tx =
			nla_get_u8(data[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX]);
	if (data[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX])
		cfg->udp6_zero_rx =
			nla_get_u8(data[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX]);
	nla = data[IFLA_KVXLAN_FLOWLABEL];
	if (nla) {
		cfg->label = nla_get_u32(nla);
		if (cfg->label > KVXLAN_FLOWLABEL_MAX &&
		    cfg->label != KVXLAN_FLOWLABEL_AUTO) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "Flow label must be 0..0xfffff or auto");
			return -ERANGE;
		}
	}
	return 0;
}

static struct hlist_head *kvx_dev_bucket(struct kvx_net *kn,
					 const struct kvx_cfg *cfg)
{
	return &kn->dev_hash[hash_32(cfg->vni ^ ((__force u32)cfg->port << 16),
				     KVX_DEV_HASH_BITS)];
}

/* (Re)files @kvx under its configuration's (VNI, port). */
static void kvx_dev_rehash(struct kvx_dev *kvx)
{
	ASSERT_RTNL();
	hlist_del_init(&kvx->hash_node);
	hlist_add_head(&kvx->hash_node,
		       kvx_dev_bucket(kvx->kn, rtnl_dereference(kvx->cfg)));
}

/*
 * Another device of the namespace already using (VNI, port)? Devices are
 * hashed by (VNI, port): creating the ten-thousandth device looks at a
 * few dozen, not at every one.
 */
static bool kvx_cfg_conflicts(struct kvx_net *kn, const struct kvx_dev *self,
			      const struct kvx_cfg *cfg)
{
	const struct kvx_dev *kvx;

	ASSERT_RTNL();
	hlist_for_each_entry(kvx, kvx_dev_bucket(kn, cfg), hash_node) {
		const struct kvx_cfg *o = rtnl_dereference(kvx->cfg);

		/* Two devices clash if they would share a socket. */
		if (kvx != self && o->vni == cfg->vni && o->port == cfg->port &&
		    (o->family == cfg->family || o->family == AF_UNSPEC ||
		     cfg->family == AF_UNSPEC))
			return true;
	}
	return false;
}

/*
 * The underlay MTU: the bound device's, or else that of the device the
 * route to the remote leaves through, or else 1500.
 */
static unsigned int kvx_lower_mtu(struct net *net, const struct kvx_cfg *cfg,
				  const struct kvx_ip *remote)
{
	struct net_device *lower = NULL;
	int ifindex = cfg->link;

	/* An IPv6 lookup needs a socket: the route of IPv4 remotes only. */
	if (!ifindex && remote->family == AF_INET)
		ifindex = kvx_route_ifindex(net, NULL, remote, &cfg->local);
	if (ifindex)
		lower = __dev_get_by_index(net, ifindex);
	return lower ? lower->mtu : ETH_DATA_LEN;
}

static unsigned int kvx_mtu_less(unsigned int mtu, unsigned int overhead)
{
	return mtu > overhead + ETH_MIN_MTU ? mtu - overhead : ETH_MIN_MTU;
}

/*
 * The largest MTU: the underlay's less the encapsulation, 50 bytes over
 * IPv4 and 70 over IPv6. A dual-stack device may be given up to 50 less,
 * for when its remotes are IPv4 (its IPv6 copies are then fragmented).
 */
static unsigned int kvx_max_mtu(struct net *net, const struct kvx_cfg *cfg,
				const struct kvx_ip *remote)
{
	return kvx_mtu_less(kvx_lower_mtu(net, cfg, remote),
			    cfg->family == AF_INET6 ? KVX_MTU_OVERHEAD6 :
						      KVX_MTU_OVERHEAD4);
}

/*
 * The default MTU leaves room for the larger IPv6 encapsulation whenever
 * the device may send over IPv6: with an IPv6 local address, and with none
 * (dual stack), so that no IPv6 remote added later needs fragmentation.
 */
static unsigned int kvx_default_mtu(struct net *net,
				    const struct kvx_cfg *cfg,
				    const struct kvx_ip *remote)
{
	return kvx_mtu_less(kvx_lower_mtu(net, cfg, remote),
			    cfg->family == AF_INET ? KVX_MTU_OVERHEAD4 :
						     KVX_MTU_OVERHEAD6);
}

static struct kvx_cfg *kvx_cfg_publishable(const struct kvx_cfg *tmpl)
{
	return kmemdup(tmpl, sizeof(*tmpl), GFP_KERNEL);
}

/*
 * What a device owns beside its netdev: configuration, counters, FDB.
 * It lives from newlink to the destructor, which runs once the last
 * reference to the device is gone, so netlink handlers that hold one may
 * use it even while the device is being unregistered.
 */
static int kvx_state_init(struct kvx_dev *kvx, const struct kvx_cfg *tmpl)
{
	struct kvx_cfg *cfg;
	int err = -ENOMEM;

	cfg = kvx_cfg_publishable(tmpl);
	if (!cfg)
		goto err_cfg;
	kvx->cnt = kvx_cnt_alloc(__KVX_DEV_CNT_MAX);
	if (!kvx->cnt)
		goto err_cnt;
	err = kvx_fdb_init(kvx);
	if (err)
		goto err_fdb;
	RCU_INIT_POINTER(kvx->cfg, cfg);
	return 0;

err_fdb:
	free_percpu(kvx->cnt);
err_cnt:
	kfree(cfg);
err_cfg:
	return err;
}

static void kvx_state_free(struct kvx_dev *kvx)
{
	kvx_fdb_uninit(kvx);
	free_percpu(kvx->cnt);
	kvx_cfg_free(rcu_dereference_protected(kvx->cfg, true));
}

static int kvx_validate(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid Ethernet address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Ethernet address must be unicast and non-zero");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static void kvx_destructor(struct net_device *dev)
{
	kvx_state_free(netdev_priv(dev));
}

static int kvx_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct net *net = dev_net(dev);
	struct kvx_net *kn = kvx_net(net);
	struct kvx_link_req req = {};
	unsigned int max_mtu;
	int err;

	kvx_cfg_defaults(net, &req.cfg);
	err = kvx_cfg_parse(net, data, &req, false, extack);
	if (err)
		return err;
	if (kvx_cfg_conflicts(kn, NULL, &req.cfg)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A kvxlan device with this VNI and port already exists");
		return -EEXIST;
	}

	max_mtu = kvx_max_mtu(net, &req.cfg, &req.remote);
	if (tb[IFLA_MTU] && dev->mtu > max_mtu) {
		BUILD_BUG_ON(KVX_MTU_OVERHEAD4 != 50);
		BUILD_BUG_ON(KVX_MTU_OVERHEAD6 != 70);
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU must not exceed the underlay MTU less 50 (IPv4 local or dual stack) or 70 (IPv6 local)");
		return -EINVAL;
	}
	dev->max_mtu = max_mtu;
	if (!tb[IFLA_MTU])
		dev->mtu = kvx_default_mtu(net, &req.cfg, &req.remote);

	err = kvx_state_init(kvx, &req.cfg);
	if (err)
		return err;
	kvx->kn = kn;

	err = register_netdevice(dev);
	if (err) {
		kvx_state_free(kvx);
		return err;
	}
	/* Only now: a failed register_netdevice() calls the destructor. */
	dev->priv_destructor = kvx_destructor;

	if (kvx_ip_set(&req.remote)) {
		err = kvx_flood_set_first(kvx, &req.remote, extack);
		if (err) {
			unregister_netdevice(dev);
			return err;
		}
	}
	list_add(&kvx->list, &kn->devs);
	kvx_dev_rehash(kvx);
	return 0;
}

/*
 * Routes cached for a previous local address, underlay or TOS would keep
 * being used: forget every remote's. Readers may hold the cache at the
 * same time (dst_cache_reset() only marks it stale).
 */
static void kvx_reset_routes(struct kvx_dev *kvx)
{
	struct rhashtable_iter iter;
	struct kvx_remote *r;

	ASSERT_RTNL();
	rhashtable_walk_enter(&kvx->remotes, &iter);
	rhashtable_walk_start(&iter);
	while ((r = rhashtable_walk_next(&iter))) {
		if (IS_ERR(r)) {
			if (PTR_ERR(r) == -EAGAIN)
				continue;	/* resized: from the start */
			break;
		}
		dst_cache_reset(&r->dst_cache);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/* The MTU the underlay allows now; a larger device MTU is lowered to it. */
static void kvx_update_max_mtu(struct kvx_dev *kvx, const struct kvx_cfg *cfg)
{
	struct net_device *dev = kvx->dev;
	struct kvx_ip remote;

	ASSERT_RTNL();
	kvx_flood_first(kvx, &remote);
	dev->max_mtu = kvx_max_mtu(dev_net(dev), cfg, &remote);
	if (dev->mtu > dev->max_mtu && dev_set_mtu(dev, dev->max_mtu))
		netdev_warn(dev, "cannot lower the MTU to %u\n", dev->max_mtu);
}

/*
 * All or nothing: everything that may fail (the configuration's copy, the
 * new flood list, the sockets of a new port, the group memberships) is
 * taken first and dropped again on failure; only then is the change
 * committed, by steps that cannot fail.
 */
static int kvx_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct net *net = dev_net(dev);
	struct kvx_cfg *old = rtnl_dereference(kvx->cfg);
	struct kvx_sock *socks[KVX_NSOCKS] = {};
	bool running = netif_running(dev);
	struct kvx_link_req req = {};
	struct kvx_flood *fl = NULL;
	struct kvx_mc_set set;
	struct kvx_cfg *cfg;
	int err;

	ASSERT_RTNL();
	memcpy(&req.cfg, old, sizeof(req.cfg));
	err = kvx_cfg_parse(net, data, &req, true, extack);
	if (err)
		return err;
	if (req.cfg.family != old->family) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_KVXLAN_LOCAL],
				    "The local address family cannot change (it decides the underlay family): delete and create the device");
		return -EINVAL;
	}
	if (kvx_cfg_conflicts(kvx->kn, kvx, &req.cfg)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A kvxlan device with this VNI and port already exists");
		return -EEXIST;
	}

	err = -ENOMEM;
	cfg = kvx_cfg_publishable(&req.cfg);
	if (!cfg)
		goto err_cfg;
	if (req.has_remote) {
		fl = kvx_flood_build_first(kvx, &req.remote);
		if (IS_ERR(fl)) {
			err = PTR_ERR(fl);
			NL_SET_ERR_MSG_MOD(extack, "Out of memory for the flood list");
			goto err_flood;
		}
	}
	if (running) {
		/* The sockets of the new port; the same ones if it stays. */
		err = kvx_socks_get(kvx->kn, cfg, socks, extack);
		if (err)
			goto err_socks;
		err = kvx_mcast_prepare(kvx, socks, cfg,
					req.has_remote ? fl :
					rtnl_dereference(kvx->flood),
					true, &set, extack);
		if (err)
			goto err_mcast;
	}

	/* Commit: nothing below fails. */
	rcu_assign_pointer(kvx->cfg, cfg);
	if (req.has_remote)
		kvx_flood_install(kvx, fl);
	if (running) {
		/* The old memberships go before the sockets they are on. */
		kvx_mcast_commit(kvx, &set);
		kvx_socks_switch(kvx, socks, cfg->vni);
	}
	if (cfg->vni != old->vni || cfg->port != old->port)
		kvx_dev_rehash(kvx);
	if (!kvx_ip_eq(&cfg->local, &old->local) || cfg->link != old->link ||
	    cfg->tos != old->tos)
		kvx_reset_routes(kvx);
	if (cfg->link != old->link)
		kvx_update_max_mtu(kvx, cfg);
	kvx_cfg_free(old);
	return 0;

err_mcast:
	kvx_socks_put(socks);
err_socks:
	kvx_flood_drop(kvx, fl);
err_flood:
	kfree(cfg);
err_cfg:
	return err;
}

static void kvx_dellink(struct net_device *dev, struct list_head *head)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	ASSERT_RTNL();
	list_del(&kvx->list);
	hlist_del_init(&kvx->hash_node);
	unregister_netdevice_queue(dev, head);
}

static size_t kvx_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +	/* VNI */
	       nla_total_size(sizeof(struct in6_addr)) * 2 + /* LOCAL, REMOTE|GROUP */
	       nla_total_size(sizeof(u32)) +	/* LINK */
	       nla_total_size(sizeof(u16)) +	/* PORT */
	       nla_total_size(sizeof(struct kvxlan_port_range)) +
	       nla_total_size(sizeof(u8)) * 4 + /* TTL, TOS, DF, LEARNING */
	       nla_total_size(sizeof(u32)) * 2 + /* AGEING, MAX_LEARNED */
	       nla_total_size(sizeof(u8)) * 3 + /* UDP_CSUM, UDP6_ZERO_CSUM_* */
	       nla_total_size(sizeof(u32)) +	/* FLOWLABEL */
	       nla_total_size(sizeof(u32)) * 3 + /* DAMPEN_* */
	       nla_total_size(sizeof(u8));	/* PEERS_ONLY */
}

static int kvx_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);
	struct kvxlan_port_range range = {
		.low = cfg->port_min,
		.high = cfg->port_max,
	};
	struct kvx_ip remote;

	kvx_flood_first(kvx, &remote);
	if (nla_put_u32(skb, IFLA_KVXLAN_VNI, cfg->vni) ||
	    kvx_ip_put(skb, IFLA_KVXLAN_LOCAL, &cfg->local) ||
	    kvx_ip_put(skb, kvx_ip_multicast(&remote) ? IFLA_KVXLAN_GROUP :
			    IFLA_KVXLAN_REMOTE, &remote) ||
	    (cfg->link && nla_put_u32(skb, IFLA_KVXLAN_LINK, cfg->link)) ||
	    nla_put_u16(skb, IFLA_KVXLAN_PORT, ntohs(cfg->port)) ||
	    nla_put(skb, IFLA_KVXLAN_PORT_RANGE, sizeof(range), &range) ||
	    nla_put_u8(skb, IFLA_KVXLAN_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_KVXLAN_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_KVXLAN_DF, cfg->df) ||
	    nla_put_u8(skb, IFLA_KVXLAN_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, IFLA_KVXLAN_AGEING, cfg->ageing) ||
	    nla_put_u32(skb, IFLA_KVXLAN_MAX_LEARNED, cfg->max_learned) ||
	    nla_put_u8(skb, IFLA_KVXLAN_UDP_CSUM, cfg->udp_csum) ||
	    nla_put_u8(skb, IFLA_KVXLAN_UDP6_ZERO_CSUM_TX, cfg->udp6_zero_tx) ||
	    nla_put_u8(skb, IFLA_KVXLAN_UDP6_ZERO_CSUM_RX, cfg->udp6_zero_rx) ||
	    nla_put_u32(skb, IFLA_KVXLAN_FLOWLABEL, cfg->label) ||
	    nla_put_u32(skb, IFLA_KVXLAN_DAMPEN_MOVES, cfg->dampen_moves) ||
	    nla_put_u32(skb, IFLA_KVXLAN_DAMPEN_WINDOW, cfg->dampen_window) ||
	    nla_put_u32(skb, IFLA_KVXLAN_DAMPEN_HOLD, cfg->dampen_hold) ||
	    nla_put_u8(skb, IFLA_KVXLAN_PEERS_ONLY, cfg->peers_only))
		return -EMSGSIZE;
	return 0;
}

static int kvx_init(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	return gro_cells_init(&kvx->gro_cells, dev);
}

static void kvx_uninit(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	gro_cells_destroy(&kvx->gro_cells);
}

static int kvx_open(struct net_device *dev)
{
	return kvx_sock_attach(netdev_priv(dev), NULL);
}

static int kvx_stop(struct net_device *dev)
{
	kvx_sock_detach(netdev_priv(dev));
	return 0;
}

static const struct net_device_ops kvx_netdev_ops = {
	.ndo_init		= kvx_init,
	.ndo_uninit		= kvx_uninit,
	.ndo_open		= kvx_open,
	.ndo_stop		= kvx_stop,
	.ndo_start_xmit		= kvx_xmit,
	.ndo_get_stats64	= kvx_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_fdb_add		= kvx_ndo_fdb_add,
	.ndo_fdb_del		= kvx_ndo_fdb_del,
	.ndo_fdb_dump		= kvx_ndo_fdb_dump,
};

static const struct device_type kvx_device_type = {
	.name = KBUILD_MODNAME,
};

static void kvx_setup(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	int i;

	ether_setup(dev);
	dev->netdev_ops = &kvx_netdev_ops;
	dev->ethtool_ops = &kvx_ethtool_ops;
	dev->needs_free_netdev = true;
	SET_NETDEV_DEVTYPE(dev, &kvx_device_type);

	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			 NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			    NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE;
	kvx_compat_set_lltx(dev);
	kvx_compat_set_netns_local(dev);
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needed_headroom = LL_MAX_HEADER + KVX_HEADROOM6;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);

	kvx->dev = dev;
	INIT_LIST_HEAD(&kvx->list);
	INIT_HLIST_NODE(&kvx->hash_node);
	for (i = 0; i < KVX_NSOCKS; i++) {
		INIT_HLIST_NODE(&kvx->vni_node[i].node);
		kvx->vni_node[i].kvx = kvx;
	}
	kvx->vni_unhash_gp = get_completed_synchronize_rcu();
}

/* Namespace teardown: delete every kvxlan device that lives in it. */
void kvx_net_destroy_devs(struct kvx_net *kn)
{
	struct kvx_dev *kvx, *tmp;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry_safe(kvx, tmp, &kn->devs, list)
		kvx_dellink(kvx->dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

/* Is the device bound to underlay @ifindex (its link, or a flood entry's)? */
static bool kvx_bound_to(struct kvx_dev *kvx, int ifindex)
{
	ASSERT_RTNL();
	return rtnl_dereference(kvx->cfg)->link == ifindex ||
	       kvx_flood_uses(kvx, ifindex);
}

/*
 * An underlay goes (or leaves the namespace): the devices bound to it go
 * with it, as in-tree (vxlan_handle_lowerdev_unregister()), so that no
 * device keeps an ifindex that a new device could be given. Devices whose
 * groups the route had put on it leave those memberships and join again
 * where the route now leads, if anywhere.
 */
static void kvx_lower_unregister(struct kvx_net *kn, struct net_device *lower)
{
	struct kvx_dev *kvx, *tmp;
	LIST_HEAD(kill);

	ASSERT_RTNL();
	list_for_each_entry_safe(kvx, tmp, &kn->devs, list) {
		if (kvx_bound_to(kvx, lower->ifindex))
			kvx_dellink(kvx->dev, &kill);
		else if (kvx_mcast_uses(kvx, lower->ifindex))
			kvx_mcast_sync(kvx, false, NULL);
	}
	unregister_netdevice_many(&kill);
}

/* The underlay's MTU changed: so did the largest MTU of its devices. */
static void kvx_lower_change_mtu(struct kvx_net *kn, struct net_device *lower)
{
	struct kvx_dev *kvx;

	ASSERT_RTNL();
	list_for_each_entry(kvx, &kn->devs, list) {
		const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);

		if (cfg->link == lower->ifindex)
			kvx_update_max_mtu(kvx, cfg);
	}
}

static int kvx_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kvx_net *kn = kvx_net(dev_net(dev));

	/* A namespace whose kvxlan state is not set up yet has no device. */
	if (!kn || !kn->net)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		kvx_lower_unregister(kn, dev);
		break;
	case NETDEV_CHANGEMTU:
		/* Not a kvxlan device's own: one bound to itself would loop. */
		if (!kvx_from_dev(dev))
			kvx_lower_change_mtu(kn, dev);
		break;
	}
	return NOTIFY_DONE;
}

struct notifier_block kvx_netdev_notifier = {
	.notifier_call = kvx_netdev_event,
};

static unsigned int kvx_get_num_queues(void)
{
	return 1;
}

/* The kvxlan device behind @dev, or NULL if @dev is something else. */
struct kvx_dev *kvx_from_dev(struct net_device *dev)
{
	return dev->rtnl_link_ops == &kvx_link_ops ? netdev_priv(dev) : NULL;
}

struct rtnl_link_ops kvx_link_ops __read_mostly = {
	.kind			= KBUILD_MODNAME,
	.maxtype		= IFLA_KVXLAN_MAX,
	.policy			= kvx_policy,
	.priv_size		= sizeof(struct kvx_dev),
	.setup			= kvx_setup,
	.validate		= kvx_validate,
	.newlink		= kvx_newlink,
	.changelink		= kvx_changelink,
	.dellink		= kvx_dellink,
	.get_size		= kvx_get_size,
	.fill_info		= kvx_fill_info,
	.get_num_tx_queues	= kvx_get_num_queues,
	.get_num_rx_queues	= kvx_get_num_queues,
};
