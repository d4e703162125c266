/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the IFLA_KVXLAN_* attributes and the address attributes
 * shared by every control plane (cfg.c).
 */
#ifndef _KVX_CFG_H
#define _KVX_CFG_H

#include <net/netlink.h>

#include "device.h"

/*
 * What a link request asks for: a configuration and the first flood entry
 * (IFLA_KVXLAN_REMOTE or IFLA_KVXLAN_GROUP).
 */
struct kvx_link_req {
	struct kvx_cfg cfg;
	struct kvx_ip remote;
	bool has_remote;		/* REMOTE or GROUP given */
};

extern const struct nla_policy kvx_link_policy[IFLA_KVXLAN_MAX + 1];

void kvx_cfg_free(struct kvx_cfg *cfg);
void kvx_cfg_defaults(struct net *net, struct kvx_cfg *cfg);
int kvx_cfg_parse(struct net *net, struct nlattr *data[],
		  struct kvx_link_req *req, bool changing,
		  struct netlink_ext_ack *extack);
size_t kvx_get_size(const struct net_device *dev);
int kvx_fill_info(struct sk_buff *skb, const struct net_device *dev);

int kvx_ip_from_nla(const struct nlattr *nla, struct kvx_ip *ip,
		    struct netlink_ext_ack *extack);
int kvx_ip_put(struct sk_buff *skb, int type, const struct kvx_ip *ip);
/* What kind of address kvx_check_remote() accepts. */
enum kvx_addr_kind { KVX_ADDR_UNICAST, KVX_ADDR_GROUP, KVX_ADDR_ANY };

int kvx_check_remote(const struct kvx_dev *kvx, const struct kvx_ip *ip,
		     enum kvx_addr_kind kind, const struct nlattr *nla,
		     struct netlink_ext_ack *extack);

#endif /* _KVX_CFG_H */
