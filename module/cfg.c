// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the IFLA_KVXLAN_* attributes: parsed into a struct kvx_cfg (newlink,
 * changelink) and filled from one (fill_info), and the address attributes
 * every control plane parses the same way.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "cfg.h"
#include "device.h"
#include "flood.h"
#include "mcast.h"

/*
 * The IFLA_KVXLAN_AGEING and _DAMPEN_* ranges: beyond the s16 that
 * NLA_POLICY_MAX and NLA_POLICY_RANGE hold. Not const: on 6.1
 * nla_policy.range is a pointer to non-const.
 */
static struct netlink_range_validation kvx_ageing_range = {
	.max = KVXLAN_AGEING_MAX,
};

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

const struct nla_policy kvx_link_policy[IFLA_KVXLAN_MAX + 1] = {
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
	[IFLA_KVXLAN_AGEING]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_ageing_range),
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
	[IFLA_KVXLAN_PROXY]		= NLA_POLICY_MAX(NLA_U8, 1),
};

void kvx_cfg_free(struct kvx_cfg *cfg)
{
	if (cfg)
		kfree_rcu(cfg, rcu);
}

void kvx_cfg_defaults(struct net *net, struct kvx_cfg *cfg)
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
 * Builds a configuration from netlink attributes on top of @cfg (the
 * defaults on creation, the current values on change) and checks it.
 */
int kvx_cfg_parse(struct net *net, struct nlattr *data[],
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
	if (data[IFLA_KVXLAN_PROXY])
		cfg->proxy = nla_get_u8(data[IFLA_KVXLAN_PROXY]);
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

size_t kvx_get_size(const struct net_device *dev)
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
	       nla_total_size(sizeof(u8)) +	/* PEERS_ONLY */
	       nla_total_size(sizeof(u8));	/* PROXY */
}

int kvx_fill_info(struct sk_buff *skb, const struct net_device *dev)
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
	    nla_put_u8(skb, IFLA_KVXLAN_PEERS_ONLY, cfg->peers_only) ||
	    nla_put_u8(skb, IFLA_KVXLAN_PROXY, cfg->proxy))
		return -EMSGSIZE;
	return 0;
}
