// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the "kvxlan" generic netlink family (see uapi/linux/kvxlan.h and
 * uapi/kvxlan.yaml for the contract): the family, its policies, the
 * helpers every command uses and the one dump helper every dump uses. The
 * commands are per object: nl_dev.c, nl_fdb.c, nl_flood.c (flood list and
 * groups), nl_remote.c.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "cfg.h"
#include "device.h"
#include "fdb.h"
#include "link.h"
#include "netlink.h"
#include "nl.h"

static const struct genl_multicast_group kvx_mcgrps[] = {
	[KVX_MCGRP_EVENTS] = { .name = KVXLAN_MCGRP_EVENTS,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/* ----- policies ----- */

/* Not const: the policy macros of older kernels take a plain pointer. */
static struct netlink_range_validation kvx_vni_range = {
	.max = KVXLAN_VNI_MAX,
};

const struct nla_policy kvx_fdb_policy[KVXLAN_FDB_A_MAX + 1] = {
	[KVXLAN_FDB_A_MAC]	= NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[KVXLAN_FDB_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[KVXLAN_FDB_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KVXLAN_FDB_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_vni_range),
	[KVXLAN_FDB_A_KIND]	= NLA_POLICY_RANGE(NLA_U8,
						   KVXLAN_FDB_KIND_STATIC,
						   KVXLAN_FDB_KIND_MAX),
};

const struct nla_policy kvx_remote_policy[KVXLAN_REMOTE_A_MAX + 1] = {
	[KVXLAN_REMOTE_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[KVXLAN_REMOTE_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KVXLAN_REMOTE_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_vni_range),
	[KVXLAN_REMOTE_A_IFINDEX] = { .type = NLA_U32 },
};

static const struct nla_policy kvx_genl_policy[KVXLAN_A_MAX + 1] = {
	[KVXLAN_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[KVXLAN_A_FDB]		= NLA_POLICY_NESTED(kvx_fdb_policy),
	[KVXLAN_A_REMOTE]	= NLA_POLICY_NESTED(kvx_remote_policy),
};

/* ----- helpers ----- */

/* The device named by KVXLAN_A_IFINDEX, with a reference held. */
struct kvx_dev *kvx_nl_dev(struct genl_info *info)
{
	struct nlattr *nla = info->attrs[KVXLAN_A_IFINDEX];
	struct net_device *dev;
	struct kvx_dev *kvx;

	if (KVX_GENL_REQ(info, KVXLAN_A_IFINDEX, "IFINDEX"))
		return ERR_PTR(-EINVAL);
	dev = dev_get_by_index(genl_info_net(info), nla_get_u32(nla));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "No such device");
		return ERR_PTR(-ENODEV);
	}
	kvx = kvx_from_dev(dev);
	if (!kvx) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "Device is not a kvxlan device");
		return ERR_PTR(-EINVAL);
	}
	return kvx;
}

void kvx_nl_dev_put(struct kvx_dev *kvx)
{
	dev_put(kvx->dev);
}

/*
 * kvx_nl_dev() for the commands that change state: their
 * GENL_UNS_ADMIN_PERM covers the device's namespace, this its link
 * namespace too when the device lives elsewhere (kvx_link_net_capable()).
 */
struct kvx_dev *kvx_nl_dev_admin(struct genl_info *info)
{
	struct kvx_dev *kvx = kvx_nl_dev(info);

	if (!IS_ERR(kvx) && !kvx_link_net_capable(kvx, info->extack)) {
		kvx_nl_dev_put(kvx);
		return ERR_PTR(-EPERM);
	}
	return kvx;
}

/* A remote address attribute that must be set and acceptable. */
int kvx_nl_remote_ip(struct kvx_dev *kvx, struct nlattr *nla,
		     enum kvx_addr_kind kind, struct kvx_ip *ip,
		     struct netlink_ext_ack *extack)
{
	int err = kvx_ip_from_nla(nla, ip, extack);

	if (err)
		return err;
	if (!kvx_ip_set(ip)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "Address must not be empty");
		return -EINVAL;
	}
	return kvx_check_remote(kvx, ip, kind, nla, extack);
}

int kvx_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

/*
 * The start of every message of the family: the genl header and the
 * device's IFINDEX; in a dump part (@cb), flagged NLM_F_DUMP_INTR when the
 * dump saw a change. NULL, with nothing added to @skb, if it does not fit.
 */
void *kvx_nl_msg_put(struct sk_buff *skb, struct kvx_dev *kvx, u32 portid,
		     u32 seq, int flags, u8 cmd, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kvx_genl_family, flags, cmd);
	if (!hdr)
		return NULL;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, KVXLAN_A_IFINDEX, kvx->dev->ifindex)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

/*
 * Milliseconds from @then to @now, in 64 bits: jiffies_to_msecs() returns
 * an unsigned int, which wraps after 49.7 days.
 */
u64 kvx_nl_age_ms(unsigned long now, unsigned long then)
{
	return jiffies64_to_msecs((u64)(now - then));
}

static int kvx_nl_dump_parse(struct netlink_callback *cb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr **attrs = kvx_compat_dump_attrs(cb);
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_fdb_filter flt;
	struct net_device *dev;
	int err;

	memset(ctx, 0, sizeof(*ctx));
	if (!attrs[KVXLAN_A_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack, "Missing attribute: IFINDEX");
		return -EINVAL;
	}
	ctx->ifindex = nla_get_u32(attrs[KVXLAN_A_IFINDEX]);
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(cb->skb->sk), ctx->ifindex);
	err = !dev ? -ENODEV : kvx_from_dev(dev) ? 0 : -EINVAL;
	rcu_read_unlock();
	if (err == -ENODEV) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVXLAN_A_IFINDEX],
				    "No such device");
		return err;
	}
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVXLAN_A_IFINDEX],
				    "Device is not a kvxlan device");
		return err;
	}
	err = kvx_nl_fdb_filter(attrs[KVXLAN_A_FDB], &flt, extack);
	if (err)
		return err;
	ctx->fdb.ip = flt.ip;
	ctx->fdb.kind = flt.kind;
	ctx->fdb.vni = flt.vni;
	return 0;
}

/*
 * Older kernels (6.1) give a dump's start callback no extack: a request
 * that fails there would get a bare errno.  So on those kernels a
 * failed check is made again by the first part of the dump, whose error
 * reaches the caller in NLMSG_DONE with its message.
 */
int kvx_nl_dump_start(struct netlink_callback *cb)
{
	int err = kvx_nl_dump_parse(cb, cb->extack);

	if (err && !cb->extack) {
		kvx_dump_ctx(cb)->recheck = true;
		return 0;
	}
	return err;
}

/* The first part of a dump reports what kvx_nl_dump_start() deferred. */
static int kvx_nl_dump_recheck(struct netlink_callback *cb)
{
	if (!kvx_dump_ctx(cb)->recheck)
		return 0;
	return kvx_nl_dump_parse(cb, cb->extack);
}

/*
 * Resolves the device of a dump part, under RCU: devices may come and go
 * between parts, so no reference is kept across them. NULL when there is
 * none, with *err set: -ENODEV on the first part, 0 (the dump ends) on a
 * later one.
 */
static struct kvx_dev *kvx_nl_dump_dev(struct netlink_callback *cb,
				       struct kvx_dump_ctx *ctx, int *err)
{
	struct net_device *dev;
	struct kvx_dev *kvx;

	dev = dev_get_by_index_rcu(sock_net(cb->skb->sk), ctx->ifindex);
	kvx = dev ? kvx_from_dev(dev) : NULL;
	if (!kvx)
		*err = cb->prev_seq ? 0 : -ENODEV;
	return kvx;
}

/*
 * What a dump part returns: the length of @skb. A full skb (-EMSGSIZE)
 * ends the part, the next one resumes; only a part that fits nothing
 * fails with it.
 */
int kvx_nl_dump_end(struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE)
		err = skb->len ? skb->len : -EMSGSIZE;
	return err ?: skb->len;
}

/*
 * One part of the dump @cmd of a device's objects (FDB, remotes, flood
 * list or groups): the checks kvx_nl_dump_start() deferred, then @fill
 * with the device, under RCU, for as many messages as fit.
 */
int kvx_nl_dump_dev_part(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, kvx_nl_dump_fill_t fill)
{
	struct kvx_dev *kvx;
	int err;

	err = kvx_nl_dump_recheck(cb);
	if (err)
		return err;

	rcu_read_lock();
	kvx = kvx_nl_dump_dev(cb, kvx_dump_ctx(cb), &err);
	if (kvx)
		err = fill(skb, cb, kvx, cmd);
	rcu_read_unlock();
	return kvx_nl_dump_end(skb, err);
}

/* ----- the family ----- */

static const struct genl_ops kvx_genl_ops[] = {
	{
		.cmd	= KVXLAN_CMD_DEV_GET,
		.doit	= kvx_nl_dev_get_doit,
		.dumpit	= kvx_nl_dev_get_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_ADD,
		.doit	= kvx_nl_fdb_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_REPLACE,
		.doit	= kvx_nl_fdb_replace,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_DEL,
		.doit	= kvx_nl_fdb_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_GET,
		.doit	= kvx_nl_fdb_get_doit,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_fdb_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_FLUSH,
		.doit	= kvx_nl_fdb_flush,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_ADD,
		.doit	= kvx_nl_flood_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_DEL,
		.doit	= kvx_nl_flood_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_GET,
		.doit	= kvx_nl_flood_get,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_flood_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_REPLACE,
		.doit	= kvx_nl_flood_replace,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_REMOTE_GET,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_remote_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_ADD,
		.doit	= kvx_nl_group_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_DEL,
		.doit	= kvx_nl_group_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_GET,
		.doit	= kvx_nl_group_get,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_group_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_APPEND,
		.doit	= kvx_nl_fdb_append,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family kvx_genl_family __ro_after_init = {
	.name		= KVXLAN_GENL_NAME,
	.version	= KVXLAN_GENL_VERSION,
	.maxattr	= KVXLAN_A_MAX,
	.policy		= kvx_genl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= kvx_genl_ops,
	.n_ops		= ARRAY_SIZE(kvx_genl_ops),
	/*
	 * A new family: every command has a strict header (reserved byte
	 * zero, no request flags the core does not use: EINVAL).
	 */
	.resv_start_op	= 0,
	.mcgrps		= kvx_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kvx_mcgrps),
};

int __init kvx_genl_init(void)
{
	return genl_register_family(&kvx_genl_family);
}

void kvx_genl_exit(void)
{
	genl_unregister_family(&kvx_genl_family);
}
