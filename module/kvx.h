/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: private definitions shared by the module's files.
 *
 * Locking, in one place:
 *   - RTNL protects every configuration change: the per-netns lists of
 *     devices and sockets, each device's cfg pointer and socket pointer, and
 *     the VNI hash chains of every socket.
 *   - The data path (xmit, rcv) takes no lock: it reads cfg, sock and the
 *     VNI hash under RCU. Replaced objects are freed after a grace period.
 */
#ifndef _KVX_H
#define _KVX_H

#include <linux/netdevice.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/u64_stats_sync.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <linux/if_ether.h>
#include <net/ipv6.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/netns/generic.h>
#include <linux/kvxlan.h>

#include "compat.h"

/* Outer headers in front of the inner Ethernet frame. */
#define KVX_VXLAN_HLEN	(sizeof(struct udphdr) + 8)
#define KVX_HEADROOM4	(sizeof(struct iphdr) + KVX_VXLAN_HLEN)
#define KVX_HEADROOM6	(sizeof(struct ipv6hdr) + KVX_VXLAN_HLEN)
/* What the MTU gives up to the encapsulation: outer IP/UDP/VXLAN and the
 * inner Ethernet header: 50 bytes over IPv4, 70 over IPv6.
 */
#define KVX_MTU_OVERHEAD4	(KVX_HEADROOM4 + ETH_HLEN)
#define KVX_MTU_OVERHEAD6	(KVX_HEADROOM6 + ETH_HLEN)

/* A device's sockets, one per underlay family: kvx_dev.sock[] */
enum { KVX_SOCK4, KVX_SOCK6, KVX_NSOCKS };

static inline int kvx_sock_idx(sa_family_t family)
{
	return family == AF_INET6 ? KVX_SOCK6 : KVX_SOCK4;
}

#define KVX_VNI_HASH_BITS	8

/*
 * An IP address of either family. Hashed and compared as bytes, so every
 * instance starts zeroed (kvx_ip_from_nla() and friends do it).
 */
struct kvx_ip {
	union {
		__be32 v4;
		struct in6_addr v6;
	};
	u16 family;			/* AF_UNSPEC: none */
	u16 pad;
};

static inline bool kvx_ip_set(const struct kvx_ip *ip)
{
	return ip->family != AF_UNSPEC;
}

static inline bool kvx_ip_eq(const struct kvx_ip *a, const struct kvx_ip *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* "use the device's VNI" in FDB and flood entries */
#define KVX_VNI_DEV	U32_MAX

/*
 * A device's configuration. Published through kvx_dev.cfg and never
 * modified once published: a change builds a new one (RTNL) and frees the
 * old one after an RCU grace period.
 */
struct kvx_cfg {
	struct kvx_ip local;		/* AF_UNSPEC: chosen by routing */
	/*
	 * The underlay family: local's, or AF_UNSPEC without a local address
	 * (dual stack: both sockets, remotes of either family).
	 */
	sa_family_t family;
	u32 vni;
	int link;			/* underlay ifindex, 0 for none */
	__be16 port;
	u16 port_min;
	u16 port_max;
	u8 ttl;
	u8 tos;
	u8 df;
	u32 label;			/* flow label, or KVXLAN_FLOWLABEL_AUTO */
	bool udp_csum;			/* IPv4: compute the UDP checksum */
	bool udp6_zero_tx;		/* IPv6: send a zero UDP checksum */
	bool udp6_zero_rx;		/* IPv6: accept a zero UDP checksum */
	bool learning;
	u32 ageing;
	u32 max_learned;
	u32 dampen_moves;		/* 0: no dampening */
	u32 dampen_window;		/* seconds */
	u32 dampen_hold;		/* seconds */
	bool peers_only;		/* rx only from known remotes */
	struct rcu_head rcu;
};

/* Per remote VTEP counters (KVXLAN_REMOTE_A_*). */
struct kvx_remote_pcpu {
	struct u64_stats_sync syncp;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t flood_copies;
};

/*
 * A node of a creation-ordered list (kvx_dev.fdb_list, .remote_list): the
 * order the FDB walkers (fdb.c: kvx_fdb_walk(), kvx_remote_walk()) follow,
 * whatever the hash tables do meanwhile. An object keeps its sequence
 * number (and its place) for life, also when replaced by a new one.
 */
struct kvx_ord {
	struct list_head list;		/* fdb_lock writers, RCU readers */
	u64 seq;			/* > 0, never reused on a device */
};

/*
 * Where a walk stopped: the last entry (remote) visited, by its sequence
 * number and key (found again in the hash table). All zero: the start.
 */
struct kvx_fdb_pos {
	u64 seq;
	u8 mac[ETH_ALEN];
};

struct kvx_remote_pos {
	u64 seq;
	struct kvx_ip ip;
};

/*
 * A remote VTEP known to a device, shared by the FDB entries and flood
 * entries that name it. Lives in kvx_dev.remotes while refs > 0.
 */
struct kvx_remote {
	struct rhash_head node;		/* in kvx_dev.remotes */
	struct kvx_ord ord;		/* in kvx_dev.remote_list */
	struct kvx_ip ip;		/* the key */
	u32 refs;			/* FDB + flood entries; fdb_lock */
	u32 fdb_refs;			/* FDB entries alone; fdb_lock */
	struct dst_cache dst_cache;	/* the route to ip, per CPU */
	struct kvx_remote_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/*
 * An FDB entry: MAC -> remote VTEP. port and vni never change once the
 * entry is published: a replace publishes a new entry in its place
 * (fdb.c: kvx_fdb_swap()), so a reader that loads remote, port and vni
 * from one entry gets one administrator's triple, never a mix. Only a
 * learned entry's remote moves in place (its port and VNI are the
 * device's).
 */
struct kvx_fdb {
	struct rhash_head node;		/* in kvx_dev.fdb */
	u8 mac[ETH_ALEN];		/* the key */
	u8 kind;			/* enum kvxlan_fdb_kind; fdb_lock */
	struct kvx_remote __rcu *remote; /* fdb_lock / RCU */
	__be16 port;			/* 0: the device's; set before publishing */
	u32 vni;			/* KVX_VNI_DEV: the device's; as port */
	unsigned long created;		/* jiffies */
	unsigned long updated;		/* jiffies, written locklessly */
	unsigned long used;		/* jiffies, written locklessly */
	atomic64_t hits;
	u64 moves;			/* fdb_lock */
	unsigned long window_start;	/* MAC-move dampening; fdb_lock */
	u32 window_moves;		/* fdb_lock */
	unsigned long hold_until;	/* no relearning before; fdb_lock */
	struct kvx_ord ord;		/* in kvx_dev.fdb_list */
	/* learned entries: in kvx_dev.learned; fdb_lock writers, RCU */
	struct list_head learned;
	struct rcu_head rcu;
};

/*
 * Stamps a time written locklessly by the data path; the store is skipped
 * when nothing changed so that busy entries do not bounce cache lines.
 */
static inline void kvx_touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/* One flood remote; a multicast address makes it a group. */
struct kvx_flood_ent {
	struct kvx_remote *remote;	/* holds a ref */
	__be16 port;			/* 0: the device's */
	u32 vni;			/* KVX_VNI_DEV: the device's */
	int ifindex;			/* a group's underlay; 0: the link */
};

/* The flood list, replaced whole on every change (copy on write). */
struct kvx_flood {
	unsigned int n;
	struct rcu_head rcu;
	struct kvx_flood_ent ent[];
};

/* Per-CPU counters, indexed by one of the enums below. */
struct kvx_pcpu_cnt {
	struct u64_stats_sync syncp;
	u64_stats_t v[];
};

/*
 * Device counters (ethtool -S), in the order of KVXLAN_STATS_A_* from
 * KVXLAN_STATS_A_RX_DROP_SHORT_INNER on: rx drops, tx drops, learning.
 */
enum kvx_dev_cnt {
	KVX_RX_DROP_SHORT_INNER,	/* no whole inner Ethernet/IP header */
	KVX_RX_DROP_ECN,		/* CE on a not-ECT inner packet */
	KVX_RX_DROP_BAD_SRC_MAC,	/* learning on, source multicast/zero */
	KVX_RX_DROP_OWN_MAC,		/* learning on, source is our MAC */
	KVX_TX_DROP_SHORT,		/* frame shorter than an Ethernet header */
	KVX_TX_DROP_NO_REMOTE,		/* nowhere to send */
	KVX_TX_DROP_NO_ROUTE,		/* no route to the remote */
	KVX_TX_DROP_LOOP,		/* route to the remote via this device */
	KVX_TX_DROP_NOMEM,		/* headroom, clone or offload failed */
	KVX_TX_DROP_DOWN,		/* raced with the device going down */
	KVX_FDB_LEARNED,		/* entries learned */
	KVX_FDB_MOVED,			/* learned entries moved */
	KVX_FDB_AGED,			/* learned entries aged out */
	KVX_FDB_LEARN_LIMIT,		/* not learned: max-learned reached */
	KVX_FDB_LEARN_DAMPENED,		/* not relearned: moving too often */
	KVX_RX_DROP_UDP6_ZERO_CSUM,	/* IPv6, UDP checksum 0, not allowed */
	KVX_RX_DROP_UNKNOWN_PEER,	/* peers-only, sender not a remote */
	KVX_RX_DROP_OVERSIZE,		/* inner frame larger than the MTU */
	__KVX_DEV_CNT_MAX
};
#define KVX_DEV_CNT_FIRST_TX	KVX_TX_DROP_SHORT
#define KVX_DEV_CNT_FIRST_FDB	KVX_FDB_LEARNED
/*
 * Counters appended later (the uapi order is fixed) follow the FDB ones;
 * all of them are rx drops.
 */
#define KVX_DEV_CNT_FIRST_LATE_RX	KVX_RX_DROP_UDP6_ZERO_CSUM

/* Drops counted per network namespace, before a device is known. */
enum kvx_net_cnt {
	KVX_NET_DROP_SHORT_HEADER,	/* shorter than the VXLAN header */
	KVX_NET_DROP_NO_VNI_FLAG,	/* I flag clear */
	KVX_NET_DROP_RESERVED_BITS,	/* a reserved bit set */
	KVX_NET_DROP_UNKNOWN_VNI,	/* no device up with that VNI */
	__KVX_NET_CNT_MAX
};

/* The larger of the two enums above. */
#define KVX_CNT_MAX	__KVX_DEV_CNT_MAX

extern const char * const kvx_dev_cnt_names[];
extern const char * const kvx_net_cnt_names[];

struct kvx_pcpu_cnt __percpu *kvx_cnt_alloc(unsigned int n);
void kvx_cnt_sum(struct kvx_pcpu_cnt __percpu *pcnt, unsigned int n, u64 *out);

static inline void kvx_cnt_inc(struct kvx_pcpu_cnt __percpu *pcnt,
			       unsigned int i)
{
	struct kvx_pcpu_cnt *c = get_cpu_ptr(pcnt);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->v[i]);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(pcnt);
}

/*
 * A kernel UDP tunnel socket, one per (netns, port, family), shared by
 * every kvxlan device of the namespace that is up on that port.
 */
struct kvx_sock {
	struct list_head list;		/* in kvx_net.socks, RTNL */
	struct socket *sock;
	struct kvx_net *kn;
	unsigned int users;		/* devices attached, RTNL */
	__be16 port;
	sa_family_t family;
	struct list_head mcs;		/* struct kvx_mc, RTNL */
	struct hlist_head vni_hash[1 << KVX_VNI_HASH_BITS]; /* RTNL / RCU */
	struct rcu_head rcu;
};

/*
 * A multicast membership of a shared socket: (group, underlay device),
 * joined once however many devices use it.
 */
struct kvx_mc {
	struct list_head list;		/* in kvx_sock.mcs, RTNL */
	struct kvx_ip group;
	int ifindex;
	struct kvx_sock *vs;		/* whose membership it is */
	unsigned int refs;		/* devices holding it, RTNL */
};

/* A device's entry in a socket's VNI hash (one per socket it is on). */
struct kvx_vni_node {
	struct hlist_node node;		/* RTNL writers, RCU readers */
	struct kvx_dev *kvx;
};

/* Per network namespace state. */
#define KVX_DEV_HASH_BITS	8

struct kvx_net {
	struct net *net;
	struct list_head devs;		/* every kvxlan device here, RTNL */
	/* the same devices by (VNI, port), for the clash check; RTNL */
	struct hlist_head dev_hash[1 << KVX_DEV_HASH_BITS];
	struct list_head socks;		/* open kvx_socks, RTNL */
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_net_cnt */
};

/* netdev_priv() of a kvxlan device. */
struct kvx_dev {
	struct net_device *dev;
	struct kvx_net *kn;
	struct list_head list;		/* in kvx_net.devs, RTNL */
	struct hlist_node hash_node;	/* in kvx_net.dev_hash, RTNL */
	struct kvx_cfg __rcu *cfg;	/* RTNL writers, RCU readers */
	/* The sockets of its port while up, per family; RTNL / RCU */
	struct kvx_sock __rcu *sock[KVX_NSOCKS];
	struct kvx_vni_node vni_node[KVX_NSOCKS]; /* in sock[i]->vni_hash */
	u32 vni_key;			/* VNI it is hashed under, RTNL */
	/*
	 * The RCU state when vni_node[] last left the hash chains: a node is
	 * put on a chain again only once readers that may stand on it are
	 * gone (they would follow it into the new chain). RTNL.
	 */
	unsigned long vni_unhash_gp;
	struct gro_cells gro_cells;
	struct kvx_pcpu_cnt __percpu *cnt;	/* enum kvx_dev_cnt */

	/*
	 * fdb_lock (BH) serialises every change to the FDB, the remotes and
	 * the flood list; the data path reads all three under RCU.
	 */
	spinlock_t fdb_lock;
	struct rhashtable fdb;		/* struct kvx_fdb by MAC */
	struct rhashtable remotes;	/* struct kvx_remote by address */
	struct kvx_flood __rcu *flood;	/* NULL when empty; RTNL writers */
	struct kvx_mc **joined;		/* memberships held, RTNL */
	unsigned int n_joined;		/* RTNL */
	u32 n_static;			/* fdb_lock */
	u32 n_learned;			/* fdb_lock, read locklessly */
	u32 fdb_gen;			/* bumped on each change; fdb_lock */
	struct delayed_work age_work;	/* the ageing sweep */
	/*
	 * Every entry, the learned ones alone and every remote, in creation
	 * order (struct kvx_ord); fdb_lock writers, RCU readers
	 */
	struct list_head fdb_list;
	struct list_head learned;
	struct list_head remote_list;
	u64 ord_seq;			/* the last kvx_ord.seq given; fdb_lock */
	struct kvx_fdb_pos age_pos;	/* where the sweep goes on; age_work */
};

extern unsigned int kvx_net_id;

static inline struct kvx_net *kvx_net(const struct net *net)
{
	return net_generic(net, kvx_net_id);
}

/* device.c */
extern struct rtnl_link_ops kvx_link_ops;
extern struct notifier_block kvx_netdev_notifier;
void kvx_net_destroy_devs(struct kvx_net *kn);

/* socket.c */
int kvx_sock_attach(struct kvx_dev *kvx, struct netlink_ext_ack *extack);
void kvx_sock_detach(struct kvx_dev *kvx);
int kvx_socks_get(struct kvx_net *kn, const struct kvx_cfg *cfg,
		  struct kvx_sock **socks, struct netlink_ext_ack *extack);
void kvx_socks_put(struct kvx_sock **socks);
void kvx_socks_switch(struct kvx_dev *kvx, struct kvx_sock **socks, u32 vni);
struct kvx_dev *kvx_sock_lookup_vni(struct kvx_sock *vs, u32 vni);

/* fdb.c */
int kvx_fdb_init(struct kvx_dev *kvx);
void kvx_fdb_uninit(struct kvx_dev *kvx);
struct kvx_fdb *kvx_fdb_lookup(struct kvx_dev *kvx, const u8 *mac);
struct kvx_remote *kvx_remote_lookup(struct kvx_dev *kvx,
				     const struct kvx_ip *ip);
void kvx_fdb_learn(struct kvx_dev *kvx, const u8 *mac,
		   const struct kvx_ip *src, const struct kvx_cfg *cfg,
		   unsigned int len);
void kvx_fdb_count_rx(struct kvx_dev *kvx, const struct kvx_ip *src,
		      unsigned int len);
struct kvx_remote *kvx_remote_get(struct kvx_dev *kvx,
				  const struct kvx_ip *ip);
void kvx_remote_put(struct kvx_dev *kvx, struct kvx_remote *r);
struct kvx_remote *kvx_remote_alloc(const struct kvx_ip *ip, gfp_t gfp);
void kvx_remote_free(struct kvx_remote *r);
struct kvx_remote *kvx_remote_get_spare(struct kvx_dev *kvx,
					const struct kvx_ip *ip,
					struct kvx_remote **spare);
int kvx_fdb_cache_init(void);
void kvx_fdb_cache_exit(void);
int kvx_fdb_set(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip,
		__be16 port, u32 vni, bool replace,
		struct netlink_ext_ack *extack);
int kvx_fdb_del(struct kvx_dev *kvx, const u8 *mac);

struct kvx_fdb_filter {
	struct kvx_ip ip;		/* AF_UNSPEC: any */
	u8 kind;			/* 0: any */
	u32 vni;			/* KVX_VNI_DEV: any */
	u32 dev_vni;			/* what an entry without a VNI uses */
};

bool kvx_fdb_match(const struct kvx_fdb *f, const struct kvx_fdb_filter *flt);

/*
 * The FDB walker, behind every dump and the ageing sweep: kvx_fdb_walk()
 * calls @fn for the entries of @list after @pos, in creation order, under RCU
 * (and whatever lock the caller holds). @fn returns 0 to go on (@pos moves
 * to the entry), KVX_WALK_GONE when it deleted the entry (@pos stays), or
 * an error that stops the walk (@pos stays: the next walk offers that
 * entry again). The walk returns that error, -EAGAIN when @budget
 * entries were visited, or 0 at the end of the table.
 */
#define KVX_WALK_GONE	1
enum kvx_fdb_walk_list {
	KVX_WALK_ALL,			/* every entry */
	KVX_WALK_LEARNED,		/* the learned ones (kvx_dev.learned) */
};

typedef int (*kvx_fdb_visit_t)(struct kvx_dev *kvx, struct kvx_fdb *f,
			       void *arg);
typedef int (*kvx_remote_visit_t)(struct kvx_dev *kvx, struct kvx_remote *r,
				  void *arg);
int kvx_fdb_walk(struct kvx_dev *kvx, enum kvx_fdb_walk_list list,
		 struct kvx_fdb_pos *pos, unsigned int budget,
		 kvx_fdb_visit_t fn, void *arg);
int kvx_remote_walk(struct kvx_dev *kvx, struct kvx_remote_pos *pos,
		    kvx_remote_visit_t fn, void *arg);
unsigned int kvx_fdb_flush(struct kvx_dev *kvx,
			   const struct kvx_fdb_filter *flt);
void kvx_remote_count_tx(struct kvx_remote *r, unsigned int len, bool flood);

/* flood.c */
struct kvx_flood_req {
	struct kvx_ip ip;
	__be16 port;
	u32 vni;
	int ifindex;
};

int kvx_flood_add(struct kvx_dev *kvx, const struct kvx_flood_req *req,
		  struct netlink_ext_ack *extack);
int kvx_flood_del(struct kvx_dev *kvx, const struct kvx_ip *ip);
int kvx_flood_replace(struct kvx_dev *kvx, const struct kvx_flood_req *reqs,
		      unsigned int n, struct netlink_ext_ack *extack);
int kvx_flood_set_first(struct kvx_dev *kvx, const struct kvx_ip *ip,
			struct netlink_ext_ack *extack);
int kvx_flood_del_all(struct kvx_dev *kvx);
struct kvx_flood *kvx_flood_build_first(struct kvx_dev *kvx,
					const struct kvx_ip *ip);
void kvx_flood_drop(struct kvx_dev *kvx, struct kvx_flood *fl);
void kvx_flood_install(struct kvx_dev *kvx, struct kvx_flood *fl);
bool kvx_flood_uses(struct kvx_dev *kvx, int ifindex);
void kvx_flood_clear(struct kvx_dev *kvx);
void kvx_flood_first(struct kvx_dev *kvx, struct kvx_ip *ip);

/* mcast.c */
static inline bool kvx_ip_multicast(const struct kvx_ip *ip)
{
	return ip->family == AF_INET ? ipv4_is_multicast(ip->v4) :
	       ip->family == AF_INET6 && ipv6_addr_is_multicast(&ip->v6);
}

/* Memberships taken for a flood list, not yet the device's (RTNL). */
struct kvx_mc_set {
	struct kvx_mc **mcs;
	unsigned int n;
};

int kvx_mcast_prepare(struct kvx_dev *kvx, struct kvx_sock *const *socks,
		      const struct kvx_cfg *cfg, const struct kvx_flood *fl,
		      bool strict, struct kvx_mc_set *set,
		      struct netlink_ext_ack *extack);
void kvx_mcast_commit(struct kvx_dev *kvx, struct kvx_mc_set *set);
void kvx_mcast_abort(struct kvx_mc_set *set);
int kvx_mcast_sync(struct kvx_dev *kvx, bool strict,
		   struct netlink_ext_ack *extack);
bool kvx_mcast_uses(const struct kvx_dev *kvx, int ifindex);
void kvx_mcast_leave_all(struct kvx_dev *kvx);
int kvx_route_ifindex(struct net *net, struct kvx_sock *vs,
		      const struct kvx_ip *dst, const struct kvx_ip *src);

/* netlink.c */
int kvx_genl_init(void);
void kvx_genl_exit(void);
void kvx_nl_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       enum kvxlan_event event);

/* bridge.c */
int kvx_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, u16 flags, struct netlink_ext_ack *extack);
int kvx_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, struct netlink_ext_ack *extack);
int kvx_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct net_device *dev, struct net_device *filter_dev,
		     int *idx);

/* xmit.c */
netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev);

/* rcv.c */
struct udp_tunnel_sock_cfg;
int kvx_udp_encap_rcv(struct sock *sk, struct sk_buff *skb);
void kvx_sock_set_gro(struct udp_tunnel_sock_cfg *tcfg);

/* common helpers (device.c) */
int kvx_ip_from_nla(const struct nlattr *nla, struct kvx_ip *ip,
		    struct netlink_ext_ack *extack);
int kvx_ip_put(struct sk_buff *skb, int type, const struct kvx_ip *ip);
/* What kind of address kvx_check_remote() accepts. */
enum kvx_addr_kind { KVX_ADDR_UNICAST, KVX_ADDR_GROUP, KVX_ADDR_ANY };

int kvx_check_remote(const struct kvx_dev *kvx, const struct kvx_ip *ip,
		     enum kvx_addr_kind kind, const struct nlattr *nla,
		     struct netlink_ext_ack *extack);
struct kvx_dev *kvx_from_dev(struct net_device *dev);

/* stats.c */
extern const struct ethtool_ops kvx_ethtool_ops;
void kvx_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
int kvx_proc_init(struct kvx_net *kn);
void kvx_proc_exit(struct kvx_net *kn);

#endif /* _KVX_H */
