/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - generic netlink: resolving a family and one of its multicast
 * groups by name (CTRL_CMD_GETFAMILY), building requests, parsing answers,
 * and what the objects of the "kvxlan" family (fdb, flood, stats, monitor)
 * share.
 */
#ifndef KVXLAN_GENL_H
#define KVXLAN_GENL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/kvxlan.h>

struct nl_sock;

struct genl_family {
	uint16_t id;
	uint32_t version;
	uint32_t group;		/* id of the group asked for, 0: none */
};

/*
 * Look up family name and, if group is not NULL, that multicast group of
 * it. Returns 0, -ENOENT without printing anything when there is no such
 * family, or another negative errno (printed).
 */
int genl_resolve(struct nl_sock *nl, const char *name, const char *group,
		 struct genl_family *fam);

/* A request to family id, its struct genlmsghdr included. */
struct nlmsghdr *genl_msg(struct nl_sock *nl, uint16_t id, uint8_t cmd,
			  uint8_t version, uint16_t flags);

/* The command of a generic netlink message; 0 when it has no header. */
uint8_t genl_cmd(const struct nlmsghdr *nlh);

/*
 * Fill tb[0..max] with the attributes of a message after its genlmsghdr,
 * as nl_parse() does. A nest: nl_parse_nested().
 */
void genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		unsigned int max, const enum mnl_attr_data_type *types);

/* An address attribute, 4 or 16 bytes, formatted; NULL for another size. */
const char *genl_addr(const struct nlattr *attr, char *buf);

/* ----- the kvxlan family ----- */

extern const enum mnl_attr_data_type kvx_a_types[KVXLAN_A_MAX + 1];
extern const enum mnl_attr_data_type kvx_fdb_a_types[KVXLAN_FDB_A_MAX + 1];
extern const enum mnl_attr_data_type
	kvx_remote_a_types[KVXLAN_REMOTE_A_MAX + 1];

struct kvx_genl {
	struct nl_sock *nl;	/* the shared NETLINK_GENERIC socket */
	struct genl_family fam;	/* group: KVXLAN_MCGRP_EVENTS */
};

/*
 * The kvxlan family, resolved on first use. NULL when it cannot be used;
 * the error has been printed (exit status KVX_EXIT_KERNEL).
 */
const struct kvx_genl *kvx_genl(void);

/* A request of the kvxlan family. */
struct nlmsghdr *kvx_genl_msg(const struct kvx_genl *g, uint8_t cmd,
			      uint16_t flags);

/* A kvxlan device as KVXLAN_CMD_DEV_GET describes it. */
#define KVX_STATS_SLOTS	64
struct kvx_dev_info {
	unsigned int ifindex;
	uint32_t vni;
	uint16_t port;
	bool learning;
	uint32_t ageing;
	uint32_t max_learned;
	uint32_t dampen_moves;
	uint32_t dampen_window;
	uint32_t dampen_hold;
	uint32_t fdb_static;
	uint32_t fdb_learned;
	uint64_t has;		/* bit KVXLAN_A_*: attribute present */
	uint64_t stats_has;	/* bit KVXLAN_STATS_A_*: counter present */
	uint64_t stats[KVX_STATS_SLOTS];
};

/* Parse a KVXLAN_CMD_DEV_GET answer; -1 if it is not one. */
int kvx_dev_info_parse(const struct nlmsghdr *nlh, struct kvx_dev_info *info);

/* KVXLAN_CMD_DEV_GET for one device; returns an exit status. */
int kvx_dev_get(const struct kvx_genl *g, unsigned int ifindex,
		struct kvx_dev_info *info);

#endif /* KVXLAN_GENL_H */
