/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: what the generic netlink files (netlink.c, nl_*.c) share: the
 * family, its policies, request helpers and the one dump helper. Not for
 * the rest of the module: that uses netlink.h.
 */
#ifndef _KVX_NL_H
#define _KVX_NL_H

#include <net/genetlink.h>

#include "cfg.h"
#include "fdb.h"

extern struct genl_family kvx_genl_family;

enum kvx_mcgrp { KVX_MCGRP_EVENTS };

extern const struct nla_policy kvx_fdb_policy[KVXLAN_FDB_A_MAX + 1];
extern const struct nla_policy kvx_remote_policy[KVXLAN_REMOTE_A_MAX + 1];

/*
 * A required attribute: reported both the structured way (the missing
 * type, for tools) and as a message (for people).
 */
#define KVX_REQ_ATTR(extack, nest, tb, type, name) ({			\
	bool __missing = NL_REQ_ATTR_CHECK(extack, nest, tb, type);	\
	if (__missing)							\
		NL_SET_ERR_MSG_MOD(extack, "Missing attribute: " name);	\
	__missing;							\
})

#define KVX_GENL_REQ(info, type, name)					\
	KVX_REQ_ATTR((info)->extack, NULL, (info)->attrs, type, name)

/* netlink.c: request helpers */
struct kvx_dev *kvx_nl_dev(struct genl_info *info);
struct kvx_dev *kvx_nl_dev_admin(struct genl_info *info);
void kvx_nl_dev_put(struct kvx_dev *kvx);
int kvx_nl_remote_ip(struct kvx_dev *kvx, struct nlattr *nla,
		     enum kvx_addr_kind kind, struct kvx_ip *ip,
		     struct netlink_ext_ack *extack);
int kvx_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad);
void *kvx_nl_msg_put(struct sk_buff *skb, struct kvx_dev *kvx, u32 portid,
		     u32 seq, int flags, u8 cmd, struct netlink_callback *cb);
u64 kvx_nl_age_ms(unsigned long now, unsigned long then);

/* netlink.c: the dump helper */
/*
 * A dump's state between its parts. FDB and remote dumps resume after the
 * last object sent, by its key and sequence number (fdb.c: kvx_fdb_walk()),
 * so that resizes of the hash tables neither repeat nor skip entries; a
 * change of the FDB between two parts (fdb_gen) is flagged with
 * NLM_F_DUMP_INTR. The device and flood list dumps resume by index.
 */
struct kvx_dump_ctx {
	int ifindex;
	bool recheck;
	u16 rdst;			/* FDB: remotes of the next entry sent */
	u64 seq;			/* FDB, remotes: position; else index */
	union {
		struct {
			struct kvx_ip ip;	/* filter */
			u8 mac[ETH_ALEN];	/* position */
			u8 kind;		/* filter */
			u32 vni;		/* filter */
		} fdb;
		struct kvx_ip remote;		/* position */
		struct {
			const void *list;	/* the list dumped */
			u32 changes;		/* new lists seen */
		} flood;
	};
};

static inline struct kvx_dump_ctx *kvx_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct kvx_dump_ctx) > sizeof(cb->ctx));
	return (struct kvx_dump_ctx *)cb->ctx;
}

/* A dump part's messages of @kvx, under RCU; an error or 0. */
typedef int (*kvx_nl_dump_fill_t)(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct kvx_dev *kvx, u8 cmd);

int kvx_nl_dump_start(struct netlink_callback *cb);
int kvx_nl_dump_dev_part(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, kvx_nl_dump_fill_t fill);
int kvx_nl_dump_end(struct sk_buff *skb, int err);

/* What the FDB and remote dumps' walk callbacks are given. */
struct kvx_nl_dump_arg {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct kvx_fdb_filter flt;
};

/* nl_fdb.c */
int kvx_nl_fdb_filter(struct nlattr *fdb, struct kvx_fdb_filter *flt,
		      struct netlink_ext_ack *extack);
int kvx_nl_fdb_add(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_replace(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_append(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_del(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_get_doit(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_fdb_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_flood.c */
int kvx_nl_flood_add(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_flood_del(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_flood_replace(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_flood_get(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_flood_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int kvx_nl_group_add(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_group_del(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_group_get(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_group_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_remote.c */
int kvx_nl_remote_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_dev.c */
int kvx_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int kvx_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _KVX_NL_H */
