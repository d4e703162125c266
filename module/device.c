// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the network device and its rtnetlink link type.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "kvx.h"

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
};

static void kvx_cfg_free_rcu(struct rcu_head *head)
{
	struct kvx_cfg *cfg = container_of(head, struct kvx_cfg, rcu);

	dst_cache_destroy(&cfg->dst_cache);
	kfree(cfg);
}

static void kvx_cfg_free(struct kvx_cfg *cfg)
{
	if (cfg)
		call_rcu(&cfg->rcu, kvx_cfg_free_rcu);
}

static void kvx_cfg_defaults(struct net *net, struct kvx_cfg *cfg)
{
	int low, high;

	memset(cfg, 0, sizeof(*cfg));
	inet_get_local_port_range(net, &low, &high);
	cfg->family = AF_INET;
	cfg->port = htons(KVXLAN_DEFAULT_PORT);
	cfg->port_min = low;
	cfg->port_max = high;
	cfg->learning = true;
	cfg->ageing = KVXLAN_DEFAULT_AGEING;
}

/* An address attribute: 4 bytes for IPv4, 16 for IPv6, 0 to clear. */
static int kvx_parse_addr(const struct nlattr *nla, union kvx_addr *addr,
			  struct netlink_ext_ack *extack)
{
	memset(addr, 0, sizeof(*addr));
	switch (nla_len(nla)) {
	case 0:
		return 0;
	case sizeof(struct in_addr):
		addr->sin.sin_family = AF_INET;
		addr->sin.sin_addr.s_addr = nla_get_in_addr(nla);
		return 0;
	case sizeof(struct in6_addr):
		addr->sin6.sin6_family = AF_INET6;
		addr->sin6.sin6_addr = nla_get_in6_addr(nla);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "Address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

/*
 * Builds a configuration from netlink attributes on top of @cfg (the
 * defaults on creation, the current values on change) and checks it.
 */
static int kvx_cfg_parse(struct net *net, struct nlattr *data[],
			 struct kvx_cfg *cfg, bool changing,
			 struct netlink_ext_ack *extack)
{
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
		err = kvx_parse_addr(nla, &cfg->local, extack);
		if (err)
			return err;
	}
	nla = data[IFLA_KVXLAN_REMOTE];
	if (nla) {
		err = kvx_parse_addr(nla, &cfg->remote, extack);
		if (err)
			return err;
	}
	if (kvx_addr_set(&cfg->local) && kvx_addr_set(&cfg->remote) &&
	    cfg->local.sa.sa_family != cfg->remote.sa.sa_family) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Local and remote address families must match");
		return -EINVAL;
	}
	if (cfg->local.sa.sa_family == AF_INET6 ||
	    cfg->remote.sa.sa_family == AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack, "IPv6 underlay is not supported yet");
		return -EAFNOSUPPORT;
	}
	if (kvx_addr_set(&cfg->local) &&
	    (ipv4_is_multicast(cfg->local.sin.sin_addr.s_addr) ||
	     ipv4_is_lbcast(cfg->local.sin.sin_addr.s_addr))) {
		NL_SET_ERR_MSG_MOD(extack, "Local address must be unicast");
		return -EINVAL;
	}
	if (kvx_addr_set(&cfg->remote) &&
	    (ipv4_is_multicast(cfg->remote.sin.sin_addr.s_addr) ||
	     ipv4_is_lbcast(cfg->remote.sin.sin_addr.s_addr) ||
	     ipv4_is_zeronet(cfg->remote.sin.sin_addr.s_addr))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Remote address must be unicast (multicast groups are not supported yet)");
		return -EINVAL;
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
	return 0;
}

/* Another device of the namespace already using (VNI, port)? */
static bool kvx_cfg_conflicts(struct kvx_net *kn, const struct kvx_dev *self,
			      const struct kvx_cfg *cfg)
{
	const struct kvx_dev *kvx;

	ASSERT_RTNL();
	list_for_each_entry(kvx, &kn->devs, list) {
		const struct kvx_cfg *o = rtnl_dereference(kvx->cfg);

		if (kvx != self && o->vni == cfg->vni && o->port == cfg->port &&
		    o->family == cfg->family)
			return true;
	}
	return false;
}

/*
 * The underlay: the bound device, or else the one the route to the remote
 * leaves through. Its MTU less the encapsulation is the largest MTU.
 */
static unsigned int kvx_max_mtu(struct net *net, const struct kvx_cfg *cfg)
{
	unsigned int mtu = ETH_DATA_LEN;
	struct net_device *lower;

	lower = cfg->link ? __dev_get_by_index(net, cfg->link) : NULL;
	if (lower) {
		mtu = lower->mtu;
	} else if (kvx_addr_set(&cfg->remote)) {
		struct flowi4 fl4 = {
			.daddr = cfg->remote.sin.sin_addr.s_addr,
			.saddr = cfg->local.sin.sin_addr.s_addr,
		};
		struct rtable *rt;

		rt = ip_route_output_key(net, &fl4);
		if (!IS_ERR(rt)) {
			mtu = rt->dst.dev->mtu;
			ip_rt_put(rt);
		}
	}
	return mtu > KVX_MTU_OVERHEAD4 + ETH_MIN_MTU ?
	       mtu - KVX_MTU_OVERHEAD4 : ETH_MIN_MTU;
}

static struct kvx_cfg *kvx_cfg_publishable(const struct kvx_cfg *tmpl)
{
	struct kvx_cfg *cfg = kmemdup(tmpl, sizeof(*tmpl), GFP_KERNEL);

	if (!cfg)
		return NULL;
	if (dst_cache_init(&cfg->dst_cache, GFP_KERNEL)) {
		kfree(cfg);
		return NULL;
	}
	return cfg;
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

static void kvx_destructor(struct net_device *dev);

static int kvx_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct net *net = dev_net(dev);
	struct kvx_net *kn = kvx_net(net);
	struct kvx_cfg tmpl, *cfg;
	unsigned int max_mtu;
	int err;

	kvx_cfg_defaults(net, &tmpl);
	err = kvx_cfg_parse(net, data, &tmpl, false, extack);
	if (err)
		return err;
	if (kvx_cfg_conflicts(kn, NULL, &tmpl)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A kvxlan device with this VNI and port already exists");
		return -EEXIST;
	}

	max_mtu = kvx_max_mtu(net, &tmpl);
	if (tb[IFLA_MTU] && dev->mtu > max_mtu) {
		BUILD_BUG_ON(KVX_MTU_OVERHEAD4 != 50);
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU must not exceed the underlay MTU less 50");
		return -EINVAL;
	}
	dev->max_mtu = max_mtu;
	if (!tb[IFLA_MTU])
		dev->mtu = max_mtu;

	cfg = kvx_cfg_publishable(&tmpl);
	if (!cfg)
		return -ENOMEM;
	RCU_INIT_POINTER(kvx->cfg, cfg);
	kvx->kn = kn;

	err = register_netdevice(dev);
	if (err) {
		RCU_INIT_POINTER(kvx->cfg, NULL);
		kvx_cfg_free(cfg);
		return err;
	}
	/* Only now: a failed register_netdevice() calls the destructor. */
	dev->priv_destructor = kvx_destructor;
	list_add(&kvx->list, &kn->devs);
	return 0;
}

static int kvx_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct net *net = dev_net(dev);
	struct kvx_cfg *old = rtnl_dereference(kvx->cfg);
	struct kvx_cfg tmpl, *cfg;
	bool rehash;
	int err;

	memcpy(&tmpl, old, sizeof(tmpl));
	err = kvx_cfg_parse(net, data, &tmpl, true, extack);
	if (err)
		return err;
	if (kvx_cfg_conflicts(kvx->kn, kvx, &tmpl)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A kvxlan device with this VNI and port already exists");
		return -EEXIST;
	}
	cfg = kvx_cfg_publishable(&tmpl);
	if (!cfg)
		return -ENOMEM;

	rehash = netif_running(dev) &&
		 (cfg->vni != old->vni || cfg->port != old->port ||
		  cfg->family != old->family);
	if (rehash)
		kvx_sock_detach(kvx);
	rcu_assign_pointer(kvx->cfg, cfg);
	if (rehash) {
		err = kvx_sock_attach(kvx);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "Cannot open the UDP socket for the new port");
			rcu_assign_pointer(kvx->cfg, old);
			kvx_cfg_free(cfg);
			/* The old port was ours a moment ago. */
			if (kvx_sock_attach(kvx))
				netdev_warn(dev, "lost its UDP socket\n");
			return err;
		}
	}
	kvx_cfg_free(old);

	if (data && data[IFLA_KVXLAN_LINK]) {
		dev->max_mtu = kvx_max_mtu(net, cfg);
		if (dev->mtu > dev->max_mtu)
			dev_set_mtu(dev, dev->max_mtu);
	}
	return 0;
}

static void kvx_dellink(struct net_device *dev, struct list_head *head)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	ASSERT_RTNL();
	list_del(&kvx->list);
	unregister_netdevice_queue(dev, head);
}

static size_t kvx_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +	/* VNI */
	       nla_total_size(sizeof(struct in6_addr)) * 2 + /* LOCAL, REMOTE */
	       nla_total_size(sizeof(u32)) +	/* LINK */
	       nla_total_size(sizeof(u16)) +	/* PORT */
	       nla_total_size(sizeof(struct kvxlan_port_range)) +
	       nla_total_size(sizeof(u8)) * 4 + /* TTL, TOS, DF, LEARNING */
	       nla_total_size(sizeof(u32)) * 2;	/* AGEING, MAX_LEARNED */
}

static int kvx_put_addr(struct sk_buff *skb, int type,
			const union kvx_addr *a)
{
	if (a->sa.sa_family == AF_INET)
		return nla_put_in_addr(skb, type, a->sin.sin_addr.s_addr);
	if (a->sa.sa_family == AF_INET6)
		return nla_put_in6_addr(skb, type, &a->sin6.sin6_addr);
	return 0;
}

static int kvx_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct kvx_dev *kvx = netdev_priv(dev);
	const struct kvx_cfg *cfg = rtnl_dereference(kvx->cfg);
	struct kvxlan_port_range range = {
		.low = cfg->port_min,
		.high = cfg->port_max,
	};

	if (nla_put_u32(skb, IFLA_KVXLAN_VNI, cfg->vni) ||
	    kvx_put_addr(skb, IFLA_KVXLAN_LOCAL, &cfg->local) ||
	    kvx_put_addr(skb, IFLA_KVXLAN_REMOTE, &cfg->remote) ||
	    (cfg->link && nla_put_u32(skb, IFLA_KVXLAN_LINK, cfg->link)) ||
	    nla_put_u16(skb, IFLA_KVXLAN_PORT, ntohs(cfg->port)) ||
	    nla_put(skb, IFLA_KVXLAN_PORT_RANGE, sizeof(range), &range) ||
	    nla_put_u8(skb, IFLA_KVXLAN_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_KVXLAN_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_KVXLAN_DF, cfg->df) ||
	    nla_put_u8(skb, IFLA_KVXLAN_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, IFLA_KVXLAN_AGEING, cfg->ageing) ||
	    nla_put_u32(skb, IFLA_KVXLAN_MAX_LEARNED, cfg->max_learned))
		return -EMSGSIZE;
	return 0;
}

static int kvx_init(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	int err;

	kvx->cnt = kvx_cnt_alloc(__KVX_DEV_CNT_MAX);
	if (!kvx->cnt)
		return -ENOMEM;
	err = gro_cells_init(&kvx->gro_cells, dev);
	if (err) {
		free_percpu(kvx->cnt);
		return err;
	}
	return 0;
}

static void kvx_uninit(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	gro_cells_destroy(&kvx->gro_cells);
	free_percpu(kvx->cnt);
}

/* Runs after the last reference is gone (register succeeded). */
static void kvx_destructor(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	kvx_cfg_free(rcu_dereference_protected(kvx->cfg, true));
}

static int kvx_open(struct net_device *dev)
{
	return kvx_sock_attach(netdev_priv(dev));
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
};

static const struct device_type kvx_device_type = {
	.name = KBUILD_MODNAME,
};

static void kvx_setup(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

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
	dev->needed_headroom = LL_MAX_HEADER + KVX_HEADROOM4;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);

	kvx->dev = dev;
	INIT_LIST_HEAD(&kvx->list);
	INIT_HLIST_NODE(&kvx->vni_node);
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

static unsigned int kvx_get_num_queues(void)
{
	return 1;
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
