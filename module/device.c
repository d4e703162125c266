// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the network device: its net_device_ops and setup.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "bridge.h"
#include "device.h"
#include "socket.h"
#include "stats.h"
#include "xmit.h"

static int kvx_init(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	return gro_cells_init(&kvx->gro_cells, dev);
}

static void kvx_uninit(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	gro_cells_destroy(&kvx->gro_cells);
	kvx_br_uninit(kvx);
}

static int kvx_open(struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	int err = kvx_sock_attach(kvx, NULL);

	/* ndo_open has no extack to say why: the log does. */
	if (err == -EADDRINUSE)
		netdev_warn(dev, "cannot go up: another socket holds UDP port %u on a local address\n",
			    ntohs(rtnl_dereference(kvx->cfg)->port));
	return err;
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

void kvx_setup(struct net_device *dev)
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
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	/*
	 * Frames reach kvx_xmit() with the route their sender used, as
	 * in-tree (vxlan_setup()): the path MTU error of a routed frame
	 * needs it (xmit.c: kvx_xmit_inner_dst()), and a lookup of our own
	 * misses routes that depend on the sender, such as policy routes.
	 */
	netif_keep_dst(dev);
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
