// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: "bridge fdb" compatibility. The same FDB and flood list as the
 * kvxlan family, through the neighbour messages the in-tree vxlan driver
 * understands: NDA_DST, NDA_PORT, NDA_VNI, and NDA_IFINDEX for a group's
 * underlay device (`via`); the all-zeros MAC stands for
 * the flood list. A request means what the kvxlan family's does: the
 * remote it names goes through the same checks (kvx_ip_from_nla(),
 * kvx_check_remote()) into the same struct kvx_flood_req, and add,
 * append, replace and del of the all-zeros MAC are FLOOD_ADD, FLOOD_ADD,
 * FLOOD_REPLACE (the whole list becomes that one remote) and FLOOD_DEL.
 * A multicast MAC takes several remotes (append), one message each.
 * Every FDB and flood list change is also sent to RTNLGRP_NEIGH in the
 * dump's format ("bridge monitor fdb"), and so is the end of every entry
 * when the device goes.
 */
#include <linux/etherdevice.h>
#include <linux/neighbour.h>
#include <net/neighbour.h>
#include <net/rtnetlink.h>

#include "bridge.h"
#include "cfg.h"
#include "device.h"
#include "fdb.h"
#include "flood.h"
#include "link.h"
#include "mdst.h"

struct kvx_br_req {
	struct kvx_ip ip;
	bool has_ip;
	__be16 port;
	u32 vni;
	int ifindex;		/* a group's underlay (NDA_IFINDEX); 0: none */
};

/*
 * NDA_IFINDEX, `bridge fdb ... via DEV`: as the kvxlan family's "via"
 * (kvx_nl_parse_remote()), only a group of the flood list has an underlay
 * device of its own, a device of the link namespace. RTNL held.
 */
static int kvx_br_parse_ifindex(struct kvx_dev *kvx, struct nlattr *attr,
				const unsigned char *addr,
				struct kvx_br_req *req,
				struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (nla_len(attr) != sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Invalid underlay device");
		return -EINVAL;
	}
	if (!is_zero_ether_addr(addr) || !req->has_ip ||
	    !kvx_ip_multicast(&req->ip)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Only a group has its own underlay device");
		return -EINVAL;
	}
	req->ifindex = nla_get_u32(attr);
	if (!__dev_get_by_index(kvx_link_net(kvx), req->ifindex)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Unknown underlay device");
		return -ENODEV;
	}
	return 0;
}

static int kvx_br_parse(struct kvx_dev *kvx, struct nlattr *tb[],
			const unsigned char *addr, u16 vid,
			struct kvx_br_req *req, struct netlink_ext_ack *extack)
{
	int err;

	memset(req, 0, sizeof(*req));
	req->vni = KVX_VNI_DEV;
	/* rtnetlink checked the device's namespace; the link's is ours */
	if (!kvx_link_net_capable(kvx, extack))
		return -EPERM;
	if (vid) {
		NL_SET_ERR_MSG_MOD(extack, "VLANs are not supported");
		return -EINVAL;
	}
	if (tb[NDA_SRC_VNI] || tb[NDA_NH_ID]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "NDA_SRC_VNI and NDA_NH_ID are not supported");
		return -EOPNOTSUPP;
	}
	if (tb[NDA_DST]) {
		err = kvx_ip_from_nla(tb[NDA_DST], &req->ip, extack);
		if (err)
			return err;
		err = kvx_check_remote(kvx, &req->ip,
				       is_zero_ether_addr(addr) ?
				       KVX_ADDR_ANY : KVX_ADDR_UNICAST,
				       tb[NDA_DST], extack);
		if (err)
			return err;
		req->has_ip = true;
	}
	if (tb[NDA_IFINDEX]) {
		err = kvx_br_parse_ifindex(kvx, tb[NDA_IFINDEX], addr, req,
					   extack);
		if (err)
			return err;
	}
	if (tb[NDA_PORT]) {
		if (nla_len(tb[NDA_PORT]) != sizeof(__be16) ||
		    !nla_get_be16(tb[NDA_PORT])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_PORT],
					    "Invalid port");
			return -EINVAL;
		}
		req->port = nla_get_be16(tb[NDA_PORT]);
	}
	if (tb[NDA_VNI]) {
		if (nla_len(tb[NDA_VNI]) != sizeof(u32) ||
		    nla_get_u32(tb[NDA_VNI]) > KVXLAN_VNI_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VNI], "Invalid VNI");
			return -EINVAL;
		}
		req->vni = nla_get_u32(tb[NDA_VNI]);
	}
	return 0;
}

int kvx_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, u16 flags, struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct kvx_flood_req freq;
	struct kvx_br_req req;
	int err;

	if (!(ndm->ndm_state & (NUD_PERMANENT | NUD_REACHABLE))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "FDB entry state must be permanent or reachable");
		return -EINVAL;
	}
	err = kvx_br_parse(kvx, tb, addr, vid, &req, extack);
	if (err)
		return err;
	if (!req.has_ip) {
		NL_SET_ERR_MSG_MOD(extack, "A destination (dst) is required");
		return -EINVAL;
	}

	if (is_zero_ether_addr(addr)) {
		freq.ip = req.ip;
		freq.port = req.port;
		freq.vni = req.vni;
		freq.ifindex = req.ifindex;
		/*
		 * Replace: the whole list, as FLOOD_REPLACE (the in-tree
		 * driver refuses to replace its all-zeros entry).
		 */
		if (flags & NLM_F_REPLACE)
			return kvx_flood_replace(kvx, &freq, 1, extack);
		return kvx_flood_add(kvx, &freq, extack);
	}
	/* a multicast MAC's own list of remotes; refused for a unicast one */
	if (flags & NLM_F_APPEND)
		return kvx_fdb_append(kvx, addr, &req.ip, req.port, req.vni,
				      extack);
	if (!is_valid_ether_addr(addr)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MAC must be unicast (a multicast MAC's remotes are added with append)");
		return -EINVAL;
	}
	return kvx_fdb_set(kvx, addr, &req.ip, req.port, req.vni,
			   flags & NLM_F_REPLACE, extack);
}

int kvx_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, struct netlink_ext_ack *extack)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	struct kvx_br_req req;
	int err;

	err = kvx_br_parse(kvx, tb, addr, vid, &req, extack);
	if (err)
		return err;

	if (is_zero_ether_addr(addr)) {
		if (!req.has_ip)
			return kvx_flood_del_all(kvx);
		err = kvx_flood_del(kvx, &req.ip);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_MOD(extack,
					   "Address is not in the flood list");
		return err;
	}
	/* with dst: only that remote (of a multicast MAC's list) */
	err = kvx_fdb_del(kvx, addr, req.has_ip ? &req.ip : NULL);
	if (err == -ENOENT && req.has_ip)
		NL_SET_ERR_MSG_MOD(extack,
				   "No FDB entry for this MAC and destination");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(extack, "No FDB entry for this MAC");
	return err;
}

/*
 * One neighbour message: @mac behind the remote @e. The format of both the
 * dump ("bridge fdb show") and the notifications ("bridge monitor fdb").
 */
static int kvx_br_fill(struct sk_buff *skb, struct kvx_dev *kvx,
		       const u8 *mac, const struct kvx_flood_ent *e,
		       u16 state, unsigned long updated, unsigned long used,
		       u32 portid, u32 seq, int type, unsigned int flags)
{
	struct net *net = dev_net(kvx->dev), *link_net = kvx_link_net(kvx);
	unsigned long now = jiffies;
	struct nda_cacheinfo ci;
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = nlmsg_put(skb, portid, seq, type, sizeof(*ndm), flags);
	if (!nlh)
		return -EMSGSIZE;
	ndm = nlmsg_data(nlh);
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_state = state;
	ndm->ndm_ifindex = kvx->dev->ifindex;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_type = RTN_UNICAST;

	ci.ndm_used = jiffies_to_clock_t(now - used);
	ci.ndm_confirmed = 0;
	ci.ndm_updated = jiffies_to_clock_t(now - updated);
	ci.ndm_refcnt = 0;

	/* NDA_DST is an address of the link namespace: which one, as in-tree */
	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, mac) ||
	    (!net_eq(net, link_net) &&
	     nla_put_s32(skb, NDA_LINK_NETNSID, peernet2id(net, link_net))) ||
	    kvx_ip_put(skb, NDA_DST, &e->remote->ip) ||
	    (e->port && nla_put_be16(skb, NDA_PORT, e->port)) ||
	    (e->vni != KVX_VNI_DEV && nla_put_u32(skb, NDA_VNI, e->vni)) ||
	    (e->ifindex && nla_put_u32(skb, NDA_IFINDEX, e->ifindex)) ||
	    nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

static u16 kvx_br_fdb_state(const struct kvx_fdb *f)
{
	return READ_ONCE(f->kind) == KVXLAN_FDB_KIND_STATIC ?
	       NUD_PERMANENT | NUD_NOARP : NUD_REACHABLE;
}

/* The message of the remote @e of the FDB entry @f. */
static int kvx_br_fill_fdb(struct sk_buff *skb, struct kvx_dev *kvx,
			   const struct kvx_fdb *f,
			   const struct kvx_flood_ent *e, u32 portid, u32 seq,
			   int type, unsigned int flags)
{
	return kvx_br_fill(skb, kvx, f->mac, e, kvx_br_fdb_state(f),
			   READ_ONCE(f->updated), READ_ONCE(f->used),
			   portid, seq, type, flags);
}

static size_t kvx_br_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct ndmsg)) +
	       nla_total_size(ETH_ALEN) +			/* NDA_LLADDR */
	       nla_total_size(sizeof(struct in6_addr)) +	/* NDA_DST */
	       nla_total_size(sizeof(__be16)) +			/* NDA_PORT */
	       nla_total_size(sizeof(u32)) +			/* NDA_VNI */
	       nla_total_size(sizeof(u32)) +			/* NDA_IFINDEX */
	       nla_total_size(sizeof(s32)) +		/* NDA_LINK_NETNSID */
	       nla_total_size(sizeof(struct nda_cacheinfo));
}

/*
 * A neighbour message of type @type for @mac behind @e to RTNLGRP_NEIGH,
 * as the in-tree driver sends them. Any context (learning: softirq).
 * Nothing is built while nobody listens, so a flush of a million entries
 * costs a test per entry.
 */
static void kvx_br_notify(struct kvx_dev *kvx, const u8 *mac,
			  const struct kvx_flood_ent *e, u16 state,
			  unsigned long updated, unsigned long used, int type)
{
	struct net *net = dev_net(kvx->dev);
	struct sk_buff *skb;
	int err = -ENOBUFS;

	if (!rtnl_has_listeners(net, RTNLGRP_NEIGH))
		return;
	skb = nlmsg_new(kvx_br_msg_size(), GFP_ATOMIC);
	if (!skb)
		goto errout;
	err = kvx_br_fill(skb, kvx, mac, e, state, updated, used, 0, 0, type,
			  0);
	if (err) {
		/* kvx_br_msg_size() is too small */
		WARN_ON_ONCE(err == -EMSGSIZE);
		kfree_skb(skb);
		goto errout;
	}
	rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, NULL, GFP_ATOMIC);
	return;
errout:
	rtnl_set_sk_err(net, RTNLGRP_NEIGH, err);
}

/* The remote @e of @f changed (@type: RTM_NEWNEIGH, RTM_DELNEIGH). */
void kvx_br_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       const struct kvx_flood_ent *e, int type)
{
	lockdep_assert_held(&kvx->fdb_lock);
	kvx_br_notify(kvx, f->mac, e, kvx_br_fdb_state(f),
		      READ_ONCE(f->updated), READ_ONCE(f->used), type);
}

static const u8 kvx_br_zero[ETH_ALEN];

/* A flood entry as the dump shows it: 00:00:00:00:00:00, permanent. */
static void kvx_br_flood_ent_notify(struct kvx_dev *kvx,
				    const struct kvx_flood_ent *e, int type)
{
	kvx_br_notify(kvx, kvx_br_zero, e, NUD_PERMANENT | NUD_NOARP,
		      jiffies, jiffies, type);
}

/*
 * The entry of @fl with @e's address, NULL if none. Looked for at *@pos
 * first: a list keeps its order through a change (an add appends, a del
 * takes one out), so comparing two lists in step costs a pass over each.
 */
static const struct kvx_flood_ent *
kvx_br_flood_find(const struct kvx_flood *fl, const struct kvx_flood_ent *e,
		  unsigned int *pos)
{
	unsigned int i;

	if (!fl)
		return NULL;
	if (*pos < fl->n && kvx_ip_eq(&fl->ent[*pos].remote->ip,
				      &e->remote->ip))
		return &fl->ent[(*pos)++];
	for (i = 0; i < fl->n; i++) {
		if (kvx_ip_eq(&fl->ent[i].remote->ip, &e->remote->ip)) {
			*pos = i + 1;
			return &fl->ent[i];
		}
	}
	return NULL;
}

/*
 * The flood list goes from @old to @new (either may be NULL): what changed,
 * as the in-tree driver reports its all-zeros entry's remotes. First an
 * RTM_NEWNEIGH for each remote that comes or whose port, VNI or underlay
 * changes (in-tree's replace of a remote: no RTM_DELNEIGH of the old
 * values), then an RTM_DELNEIGH for each remote that goes, as in-tree's
 * changelink of "remote" orders them. RTNL and fdb_lock held: both lists'
 * remotes are alive. Nothing is compared while nobody listens.
 */
void kvx_br_flood_notify(struct kvx_dev *kvx, const struct kvx_flood *old,
			 const struct kvx_flood *new)
{
	const struct kvx_flood_ent *e, *o;
	unsigned int i, pos;

	ASSERT_RTNL();
	lockdep_assert_held(&kvx->fdb_lock);
	if (!rtnl_has_listeners(dev_net(kvx->dev), RTNLGRP_NEIGH))
		return;
	for (i = 0, pos = 0; new && i < new->n; i++) {
		e = &new->ent[i];
		o = kvx_br_flood_find(old, e, &pos);
		if (!o || o->port != e->port || o->vni != e->vni ||
		    o->ifindex != e->ifindex)
			kvx_br_flood_ent_notify(kvx, e, RTM_NEWNEIGH);
	}
	for (i = 0, pos = 0; old && i < old->n; i++)
		if (!kvx_br_flood_find(new, &old->ent[i], &pos))
			kvx_br_flood_ent_notify(kvx, &old->ent[i],
						RTM_DELNEIGH);
}

#define KVX_BR_GONE_BATCH	1024	/* entries per hold of fdb_lock */

static int kvx_br_gone_one(struct kvx_dev *kvx, struct kvx_fdb *f, void *arg)
{
	const struct kvx_flood_ent *e;
	struct kvx_flood_ent one;
	unsigned int i, n;

	e = kvx_fdb_dsts(kvx, f, &one, &n);
	for (i = 0; i < n; i++)
		kvx_br_fdb_notify(kvx, f, &e[i], RTM_DELNEIGH);
	kvx_fdb_destroy(kvx, f, KVXLAN_EVENT_UNSPEC);
	return KVX_WALK_GONE;
}

/*
 * The device is being unregistered (ndo_uninit: closed, unlisted, RTNL
 * held): as in-tree (vxlan_dellink()'s flush, then vxlan_uninit()'s
 * all-zeros entry), an RTM_DELNEIGH for each remote of each FDB entry,
 * which goes with it (nothing can learn it again or age it twice), then
 * for each flood remote; all before the kernel's RTM_DELLINK. While
 * nobody listens the destructor frees everything, as before.
 */
void kvx_br_uninit(struct kvx_dev *kvx)
{
	const struct kvx_flood *fl = rtnl_dereference(kvx->flood);
	struct kvx_fdb_pos pos = {};
	unsigned int i;
	int ret;

	ASSERT_RTNL();
	if (!rtnl_has_listeners(dev_net(kvx->dev), RTNLGRP_NEIGH))
		return;
	do {
		spin_lock_bh(&kvx->fdb_lock);
		ret = kvx_fdb_walk(kvx, KVX_WALK_ALL, &pos, KVX_BR_GONE_BATCH,
				   kvx_br_gone_one, NULL);
		spin_unlock_bh(&kvx->fdb_lock);
		cond_resched();
	} while (ret == -EAGAIN);
	for (i = 0; fl && i < fl->n; i++)
		kvx_br_flood_ent_notify(kvx, &fl->ent[i], RTM_DELNEIGH);
}

/*
 * Where a "bridge fdb show" dump stopped in the FDB, kept in cb->args[3..5]
 * (rtnl_fdb_dump() uses args[0..2]: device hash, device index, entry index
 * fidx). The core resumes a dump by entry index alone, which would make
 * every part walk the whole table up to where the previous one stopped:
 * quadratic in the table's size. The cursor lets the next part go on
 * after the last entry sent, with the FDB walker (as the genl dump does),
 * when it is for this device and the index the core resumes at. Otherwise
 * the walk starts again from the first entry and skips by index. An entry
 * with several remotes (a multicast MAC's) is one index, one message per
 * remote: a part that ends within it says where (rdst) in the cursor.
 */
struct kvx_br_cursor {
	u64 seq;		/* the last entry sent, as kvx_fdb_pos */
	u32 ifindex;		/* 0: no cursor */
	u32 idx;		/* *idx after seq, mac */
	u8 mac[ETH_ALEN];
	u16 rdst;		/* remotes of the next entry already sent */
};

static struct kvx_br_cursor *kvx_br_cursor(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct kvx_br_cursor) > 3 * sizeof(cb->args[0]));
	return (struct kvx_br_cursor *)&cb->args[3];
}

struct kvx_br_dump_arg {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int *idx;
	unsigned int rdst;	/* remotes of the first entry to skip */
};

static int kvx_br_dump_one(struct kvx_dev *kvx, struct kvx_fdb *f, void *arg)
{
	struct kvx_br_dump_arg *a = arg;
	const struct kvx_flood_ent *e;
	struct kvx_flood_ent one;
	unsigned int i, n;
	int err;

	if (*a->idx >= a->cb->args[2]) {
		e = kvx_fdb_dsts(kvx, f, &one, &n);
		for (i = a->rdst; i < n; i++) {
			err = kvx_br_fill_fdb(a->skb, kvx, f, &e[i],
					      NETLINK_CB(a->cb->skb).portid,
					      a->cb->nlh->nlmsg_seq,
					      RTM_NEWNEIGH, NLM_F_MULTI);
			if (err) {
				a->rdst = i;
				return err;
			}
		}
	}
	a->rdst = 0;
	(*a->idx)++;
	return 0;
}

/* The FDB part of a dump, under RCU; -EMSGSIZE when @skb is full. */
static int kvx_br_dump_fdb(struct sk_buff *skb, struct netlink_callback *cb,
			   struct kvx_dev *kvx, int *idx)
{
	struct kvx_br_dump_arg a = { .skb = skb, .cb = cb, .idx = idx };
	struct kvx_br_cursor *cur = kvx_br_cursor(cb);
	struct kvx_fdb_pos pos = {};
	int err;

	if (cur->ifindex == kvx->dev->ifindex && cur->idx == cb->args[2]) {
		pos.seq = cur->seq;
		ether_addr_copy(pos.mac, cur->mac);
		*idx = cur->idx;
		a.rdst = cur->rdst;
	}
	cur->ifindex = 0;
	err = kvx_fdb_walk(kvx, KVX_WALK_ALL, &pos, UINT_MAX,
			   kvx_br_dump_one, &a);
	if (err) {
		*cur = (struct kvx_br_cursor) {
			.seq = pos.seq,
			.ifindex = kvx->dev->ifindex,
			.idx = *idx,
			.rdst = a.rdst,
		};
		ether_addr_copy(cur->mac, pos.mac);
	}
	return err;
}

/*
 * Flood entries first (as 00:00:00:00:00:00), then the FDB. Like every
 * multi-part dump, one that races with changes may miss or repeat entries
 * that changed; the genl dump flags that, "bridge fdb" has no such flag.
 */
int kvx_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct net_device *dev, struct net_device *filter_dev,
		     int *idx)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	const struct kvx_flood *fl;
	unsigned int i;
	int err = 0;

	rcu_read_lock();
	fl = rcu_dereference(kvx->flood);
	for (i = 0; fl && i < fl->n; i++, (*idx)++) {
		if (*idx < cb->args[2])
			continue;
		err = kvx_br_fill(skb, kvx, kvx_br_zero, &fl->ent[i],
				  NUD_PERMANENT | NUD_NOARP, jiffies, jiffies,
				  NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, RTM_NEWNEIGH,
				  NLM_F_MULTI);
		if (err) {
			kvx_br_cursor(cb)->ifindex = 0;
			break;
		}
	}
	if (!err)
		err = kvx_br_dump_fdb(skb, cb, kvx, idx);
	rcu_read_unlock();
	return err;
}
