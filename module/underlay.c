// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the underlay's lifecycle: a netdevice notifier that deletes the
 * devices bound to an underlay that goes and clamps their MTU to its own.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "device.h"
#include "flood.h"
#include "link.h"
#include "mcast.h"
#include "underlay.h"

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
	/* the underlay's namespace lists its devices, wherever they live */
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
