// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: VXLAN (RFC 7348) as its own network device type.
 *
 * Module init and exit, and the per network namespace state.
 */
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "fdb.h"
#include "flowhash.h"
#include "link.h"
#include "netlink.h"
#include "stats.h"
#include "underlay.h"

unsigned int kvx_net_id __read_mostly;

static int __net_init kvx_net_init(struct net *net)
{
	struct kvx_net *kn = kvx_net(net);
	int err;

	kn->net = net;
	INIT_LIST_HEAD(&kn->devs);
	INIT_LIST_HEAD(&kn->socks);
	kn->cnt = kvx_cnt_alloc(__KVX_NET_CNT_MAX);
	if (!kn->cnt)
		return -ENOMEM;
	err = kvx_proc_init(kn);
	if (err) {
		free_percpu(kn->cnt);
		return err;
	}
	return 0;
}

/* Before any exit handler: the devices go while the namespace is whole. */
static void __net_exit kvx_net_pre_exit(struct net *net)
{
	kvx_net_destroy_devs(kvx_net(net));
}

static void __net_exit kvx_net_exit(struct net *net)
{
	struct kvx_net *kn = kvx_net(net);

	WARN_ON_ONCE(!list_empty(&kn->devs));
	WARN_ON_ONCE(!list_empty(&kn->socks));
	kvx_proc_exit(kn);
	free_percpu(kn->cnt);
}

static struct pernet_operations kvx_net_ops = {
	.init		= kvx_net_init,
	.pre_exit	= kvx_net_pre_exit,
	.exit		= kvx_net_exit,
	.id		= &kvx_net_id,
	.size		= sizeof(struct kvx_net),
};

static int __init kvx_mod_init(void)
{
	int err;

	kvx_flow_hash_init();
	err = kvx_fdb_cache_init();
	if (err)
		goto err_cache;
	err = register_pernet_device(&kvx_net_ops);
	if (err)
		goto err_pernet;
	err = register_netdevice_notifier(&kvx_netdev_notifier);
	if (err)
		goto err_notifier;
	err = rtnl_link_register(&kvx_link_ops);
	if (err)
		goto err_link;
	err = kvx_genl_init();
	if (err)
		goto err_genl;

	pr_info("VXLAN device driver %s loaded\n", KVX_VERSION);
	return 0;

err_genl:
	rtnl_link_unregister(&kvx_link_ops);
err_link:
	unregister_netdevice_notifier(&kvx_netdev_notifier);
err_notifier:
	unregister_pernet_device(&kvx_net_ops);
err_pernet:
	kvx_fdb_cache_exit();
err_cache:
	return err;
}

static void __exit kvx_mod_exit(void)
{
	kvx_genl_exit();
	/* Deletes every kvxlan device in every namespace. */
	rtnl_link_unregister(&kvx_link_ops);
	unregister_netdevice_notifier(&kvx_netdev_notifier);
	unregister_pernet_device(&kvx_net_ops);
	/* Entries, remotes, configurations, sockets: freed by RCU callbacks. */
	rcu_barrier();
	kvx_fdb_cache_exit();
	pr_info("unloaded\n");
}

module_init(kvx_mod_init);
module_exit(kvx_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VXLAN (RFC 7348) tunnel device with its own FDB and netlink family");
MODULE_AUTHOR("The kvxlan developers");
MODULE_VERSION(KVX_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(KVXLAN_GENL_NAME);
