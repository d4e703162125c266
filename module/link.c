// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the rtnetlink link type: newlink, changelink (all or nothing),
 * dellink, and a device's lifetime state (configuration, counters, FDB).
 */
#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "cfg.h"
#include "device.h"
#include "flood.h"
#include "link.h"
#include "mcast.h"
#include "socket.h"

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
 * Another device of the link namespace already using (VNI, port)? Devices are
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

/*
 * @src_net, where the request was sent from, is the link namespace (the
 * in-tree driver's vxlan->net): the device may be created in another one
 * ("ip link add ... netns X") or moved there later, and keeps its
 * sockets, routes and underlay here, and its (VNI, port) slot.
 */
static int kvx_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct net *net = src_net;
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
void kvx_update_max_mtu(struct kvx_dev *kvx, const struct kvx_cfg *cfg)
{
	struct net_device *dev = kvx->dev;
	struct kvx_ip remote;

	ASSERT_RTNL();
	kvx_flood_first(kvx, &remote);
	dev->max_mtu = kvx_max_mtu(kvx_link_net(kvx), cfg, &remote);
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
	struct net *net = kvx_link_net(kvx);
	struct kvx_cfg *old = rtnl_dereference(kvx->cfg);
	struct kvx_sock *socks[KVX_NSOCKS] = {};
	bool running = netif_running(dev);
	struct kvx_link_req req = {};
	struct kvx_flood *fl = NULL;
	struct kvx_mc_set set;
	struct kvx_cfg *cfg;
	int err;

	ASSERT_RTNL();
	if (!kvx_link_net_capable(kvx, extack))
		return -EPERM;
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

void kvx_dellink(struct net_device *dev, struct list_head *head)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	ASSERT_RTNL();
	list_del(&kvx->list);
	hlist_del_init(&kvx->hash_node);
	unregister_netdevice_queue(dev, head);
}

/*
 * Namespace teardown, as in-tree (vxlan_destroy_tunnels() and the core's
 * dellink of the devices left in a dying namespace): the kvxlan devices
 * that live in it are deleted, not moved to the initial namespace, and so
 * are those whose link namespace it is, wherever they live.
 */
void kvx_net_destroy_devs(struct kvx_net *kn)
{
	struct kvx_dev *kvx, *tmp;
	struct net_device *dev;
	LIST_HEAD(kill);

	rtnl_lock();
	for_each_netdev(kn->net, dev)
		if (kvx_from_dev(dev))
			kvx_dellink(dev, &kill);
	/* Those of the loop above have left their kvx_net.devs already. */
	list_for_each_entry_safe(kvx, tmp, &kn->devs, list)
		kvx_dellink(kvx->dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

/*
 * A change to a device that lives outside its link namespace reaches into
 * the link namespace (its sockets, routes, underlay, memberships): it needs
 * CAP_NET_ADMIN over that namespace's user namespace too, as the in-tree
 * tunnels' changelink asks (rtnl_dev_link_net_capable(): the sender's
 * credentials, for rtnetlink and the genl family alike, both of which run
 * in the sender's context).
 */
bool kvx_link_net_capable(const struct kvx_dev *kvx,
			  struct netlink_ext_ack *extack)
{
	if (rtnl_dev_link_net_capable(kvx->dev, kvx_link_net(kvx)))
		return true;
	NL_SET_ERR_MSG_MOD(extack,
			   "Changing this device needs CAP_NET_ADMIN in its link namespace too");
	return false;
}

/* IFLA_LINK_NETNSID: "link-netns" in ip -d link, where the device lives. */
static struct net *kvx_get_link_net(const struct net_device *dev)
{
	return kvx_link_net(netdev_priv(dev));
}

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
	.policy			= kvx_link_policy,
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
	.get_link_net		= kvx_get_link_net,
};
