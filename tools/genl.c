// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - generic netlink: family resolution, requests, answers.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "kvxlan.h"
#include "genl.h"
#include "nl.h"
#include "utils.h"

/* ----- any family ----- */

struct nlmsghdr *genl_msg(struct nl_sock *nl, uint16_t id, uint8_t cmd,
			  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = nl_msg(nl, id, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

uint8_t genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		return 0;
	return genl->cmd;
}

void genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		unsigned int max, const enum mnl_attr_data_type *types)
{
	nl_parse(nlh, GENL_HDRLEN, tb, max, types);
}

const char *genl_addr(const struct nlattr *attr, char *buf)
{
	return format_addr(mnl_attr_get_payload(attr),
			   mnl_attr_get_payload_len(attr), buf,
			   KVX_ADDRSTRLEN);
}

static const enum mnl_attr_data_type genl_ctrl_types[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
	[CTRL_ATTR_VERSION] = MNL_TYPE_U32,
	[CTRL_ATTR_MCAST_GROUPS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type
genl_grp_types[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_MCAST_GRP_ID] = MNL_TYPE_U32,
};

struct genl_resolve_ctx {
	const char *group;
	struct genl_family *fam;
	bool found;
};

static int genl_resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *grp[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genl_resolve_ctx *ctx = data;
	const struct nlattr *nest;

	genl_parse(nlh, tb, CTRL_ATTR_MAX, genl_ctrl_types);
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return MNL_CB_OK;
	ctx->found = true;
	ctx->fam->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		ctx->fam->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!ctx->group || !tb[CTRL_ATTR_MCAST_GROUPS])
		return MNL_CB_OK;

	mnl_attr_for_each_nested(nest, tb[CTRL_ATTR_MCAST_GROUPS]) {
		nl_parse_nested(nest, grp, CTRL_ATTR_MCAST_GRP_MAX,
				genl_grp_types);
		if (grp[CTRL_ATTR_MCAST_GRP_NAME] && grp[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(grp[CTRL_ATTR_MCAST_GRP_NAME]),
			    ctx->group))
			ctx->fam->group =
				mnl_attr_get_u32(grp[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

int genl_resolve(struct nl_sock *nl, const char *name, const char *group,
		 struct genl_family *fam)
{
	struct genl_resolve_ctx ctx = { group, fam, false };
	struct nlmsghdr *nlh;
	int ret;

	memset(fam, 0, sizeof(*fam));
	nlh = genl_msg(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = nl_talk_quiet(nl, nlh, genl_resolve_cb, &ctx);
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		/* Quiet was for ENOENT alone. */
		kvx_err("Cannot look up generic netlink family \"%s\": %s",
			name, strerror(-ret));
		return ret;
	}
	if (!ctx.found) {
		kvx_err("No id in the answer for generic netlink family \"%s\"",
			name);
		return -EPROTO;
	}
	return 0;
}

/* ----- the kvxlan family ----- */

const enum mnl_attr_data_type kvx_a_types[KVXLAN_A_MAX + 1] = {
	[KVXLAN_A_IFINDEX] = MNL_TYPE_U32,
	[KVXLAN_A_VNI] = MNL_TYPE_U32,
	[KVXLAN_A_PORT] = MNL_TYPE_U16,
	[KVXLAN_A_LEARNING] = MNL_TYPE_U8,
	[KVXLAN_A_AGEING] = MNL_TYPE_U32,
	[KVXLAN_A_MAX_LEARNED] = MNL_TYPE_U32,
	[KVXLAN_A_DAMPEN_MOVES] = MNL_TYPE_U32,
	[KVXLAN_A_DAMPEN_WINDOW] = MNL_TYPE_U32,
	[KVXLAN_A_DAMPEN_HOLD] = MNL_TYPE_U32,
	[KVXLAN_A_FDB_STATIC] = MNL_TYPE_U32,
	[KVXLAN_A_FDB_LEARNED] = MNL_TYPE_U32,
	[KVXLAN_A_FDB] = MNL_TYPE_NESTED,
	[KVXLAN_A_REMOTE] = MNL_TYPE_NESTED,
	[KVXLAN_A_STATS] = MNL_TYPE_NESTED,
	[KVXLAN_A_EVENT] = MNL_TYPE_U8,
};

const enum mnl_attr_data_type kvx_fdb_a_types[KVXLAN_FDB_A_MAX + 1] = {
	[KVXLAN_FDB_A_MAC] = MNL_TYPE_BINARY,
	[KVXLAN_FDB_A_ADDR] = MNL_TYPE_BINARY,
	[KVXLAN_FDB_A_PORT] = MNL_TYPE_U16,
	[KVXLAN_FDB_A_VNI] = MNL_TYPE_U32,
	[KVXLAN_FDB_A_KIND] = MNL_TYPE_U8,
	[KVXLAN_FDB_A_CREATED] = MNL_TYPE_U64,
	[KVXLAN_FDB_A_UPDATED] = MNL_TYPE_U64,
	[KVXLAN_FDB_A_USED] = MNL_TYPE_U64,
	[KVXLAN_FDB_A_HITS] = MNL_TYPE_U64,
	[KVXLAN_FDB_A_MOVES] = MNL_TYPE_U64,
};

const enum mnl_attr_data_type kvx_remote_a_types[KVXLAN_REMOTE_A_MAX + 1] = {
	[KVXLAN_REMOTE_A_ADDR] = MNL_TYPE_BINARY,
	[KVXLAN_REMOTE_A_PORT] = MNL_TYPE_U16,
	[KVXLAN_REMOTE_A_VNI] = MNL_TYPE_U32,
	[KVXLAN_REMOTE_A_TX_PACKETS] = MNL_TYPE_U64,
	[KVXLAN_REMOTE_A_TX_BYTES] = MNL_TYPE_U64,
	[KVXLAN_REMOTE_A_RX_PACKETS] = MNL_TYPE_U64,
	[KVXLAN_REMOTE_A_RX_BYTES] = MNL_TYPE_U64,
	[KVXLAN_REMOTE_A_FLOOD_COPIES] = MNL_TYPE_U64,
	[KVXLAN_REMOTE_A_FDB_REFS] = MNL_TYPE_U32,
	[KVXLAN_REMOTE_A_IFINDEX] = MNL_TYPE_U32,
};

const struct kvx_genl *kvx_genl(void)
{
	static struct kvx_genl g;
	int ret;

	if (g.nl)
		return &g;

	g.nl = nl_shared(NETLINK_GENERIC);
	if (!g.nl)
		return NULL;
	ret = genl_resolve(g.nl, KVXLAN_GENL_NAME, KVXLAN_MCGRP_EVENTS, &g.fam);
	if (ret) {
		if (ret == -ENOENT)
			kvx_report("Error",
				   "Generic netlink family \"" KVXLAN_GENL_NAME
				   "\" not found (is the kvxlan module loaded?)");
		g.nl = NULL;
		return NULL;
	}
	return &g;
}

struct nlmsghdr *kvx_genl_msg(const struct kvx_genl *g, uint8_t cmd,
			      uint16_t flags)
{
	return genl_msg(g->nl, g->fam.id, cmd, KVXLAN_GENL_VERSION, flags);
}

static int kvx_stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct kvx_dev_info *info = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type >= KVX_STATS_SLOTS || type == KVXLAN_STATS_A_UNSPEC ||
	    type == KVXLAN_STATS_A_PAD ||
	    mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_OK;
	info->stats[type] = mnl_attr_get_u64(attr);
	info->stats_has |= 1ULL << type;
	return MNL_CB_OK;
}

int kvx_dev_info_parse(const struct nlmsghdr *nlh, struct kvx_dev_info *info)
{
	const struct nlattr *tb[KVXLAN_A_MAX + 1];
	unsigned int i;

	memset(info, 0, sizeof(*info));
	if (genl_cmd(nlh) != KVXLAN_CMD_DEV_GET)
		return -1;
	genl_parse(nlh, tb, KVXLAN_A_MAX, kvx_a_types);
	if (!tb[KVXLAN_A_IFINDEX])
		return -1;
	for (i = 0; i <= KVXLAN_A_MAX; i++)
		if (tb[i])
			info->has |= 1ULL << i;

	info->ifindex = mnl_attr_get_u32(tb[KVXLAN_A_IFINDEX]);
	if (tb[KVXLAN_A_VNI])
		info->vni = mnl_attr_get_u32(tb[KVXLAN_A_VNI]);
	if (tb[KVXLAN_A_PORT])
		info->port = mnl_attr_get_u16(tb[KVXLAN_A_PORT]);
	if (tb[KVXLAN_A_LEARNING])
		info->learning = mnl_attr_get_u8(tb[KVXLAN_A_LEARNING]);
	if (tb[KVXLAN_A_AGEING])
		info->ageing = mnl_attr_get_u32(tb[KVXLAN_A_AGEING]);
	if (tb[KVXLAN_A_MAX_LEARNED])
		info->max_learned = mnl_attr_get_u32(tb[KVXLAN_A_MAX_LEARNED]);
	if (tb[KVXLAN_A_DAMPEN_MOVES])
		info->dampen_moves = mnl_attr_get_u32(tb[KVXLAN_A_DAMPEN_MOVES]);
	if (tb[KVXLAN_A_DAMPEN_WINDOW])
		info->dampen_window =
			mnl_attr_get_u32(tb[KVXLAN_A_DAMPEN_WINDOW]);
	if (tb[KVXLAN_A_DAMPEN_HOLD])
		info->dampen_hold = mnl_attr_get_u32(tb[KVXLAN_A_DAMPEN_HOLD]);
	if (tb[KVXLAN_A_FDB_STATIC])
		info->fdb_static = mnl_attr_get_u32(tb[KVXLAN_A_FDB_STATIC]);
	if (tb[KVXLAN_A_FDB_LEARNED])
		info->fdb_learned = mnl_attr_get_u32(tb[KVXLAN_A_FDB_LEARNED]);
	if (tb[KVXLAN_A_STATS])
		mnl_attr_parse_nested(tb[KVXLAN_A_STATS], kvx_stats_attr_cb,
				      info);
	return 0;
}

static int kvx_dev_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kvx_dev_info *info = data;
	struct kvx_dev_info tmp;

	if (!kvx_dev_info_parse(nlh, &tmp))
		*info = tmp;
	return MNL_CB_OK;
}

int kvx_dev_get(const struct kvx_genl *g, unsigned int ifindex,
		struct kvx_dev_info *info)
{
	struct nlmsghdr *nlh;

	memset(info, 0, sizeof(*info));
	nlh = kvx_genl_msg(g, KVXLAN_CMD_DEV_GET, 0);
	mnl_attr_put_u32(nlh, KVXLAN_A_IFINDEX, ifindex);
	if (nl_talk(g->nl, nlh, kvx_dev_get_cb, info))
		return KVX_EXIT_KERNEL;
	if (!info->ifindex) {
		kvx_report("Error", "The kernel's answer has no device in it");
		return KVX_EXIT_KERNEL;
	}
	return KVX_EXIT_OK;
}
