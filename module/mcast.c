// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: multicast groups. A group is a flood entry whose address is
 * multicast; while a device is up it holds a membership of each of its
 * groups on the shared UDP socket of the group's family (IGMP for IPv4, MLD
 * for IPv6). Memberships are counted per (socket, group, underlay device),
 * so devices sharing a group share one membership and it is left only when
 * the last of them lets go.
 *
 * Everything here runs under RTNL.
 */
#include <linux/igmp.h>
#include <linux/rtnetlink.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/sock.h>

#include "device.h"
#include "flood.h"
#include "mcast.h"
#include "socket.h"

static int kvx_mc_join(struct kvx_sock *vs, const struct kvx_mc *mc)
{
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr	= mc->group.v4,
		.imr_ifindex		= mc->ifindex,
	};
	struct sock *sk = vs->sock->sk;
	int err = -EAFNOSUPPORT;

	lock_sock(sk);
	if (mc->group.family == AF_INET)
		err = ip_mc_join_group(sk, &mreq);
#if IS_ENABLED(CONFIG_IPV6)
	else
		err = ipv6_stub->ipv6_sock_mc_join(sk, mc->ifindex,
						   &mc->group.v6);
#endif
	release_sock(sk);
	return err;
}

static void kvx_mc_leave(struct kvx_sock *vs, const struct kvx_mc *mc)
{
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr	= mc->group.v4,
		.imr_ifindex		= mc->ifindex,
	};
	struct sock *sk = vs->sock->sk;

	lock_sock(sk);
	if (mc->group.family == AF_INET)
		ip_mc_leave_group(sk, &mreq);
#if IS_ENABLED(CONFIG_IPV6)
	else
		ipv6_stub->ipv6_sock_mc_drop(sk, mc->ifindex, &mc->group.v6);
#endif
	release_sock(sk);
}

/* Takes a reference on the membership (@group, @ifindex), joining it first. */
static struct kvx_mc *kvx_mc_get(struct kvx_sock *vs,
				 const struct kvx_ip *group, int ifindex,
				 int *err)
{
	struct kvx_mc *mc;

	ASSERT_RTNL();
	list_for_each_entry(mc, &vs->mcs, list) {
		if (mc->ifindex == ifindex && kvx_ip_eq(&mc->group, group)) {
			mc->refs++;
			return mc;
		}
	}
	mc = kzalloc(sizeof(*mc), GFP_KERNEL);
	if (!mc) {
		*err = -ENOMEM;
		return NULL;
	}
	mc->group = *group;
	mc->ifindex = ifindex;
	mc->vs = vs;
	/* Group traffic reaches a socket bound to the wildcard only. */
	*err = kvx_sock_admit(vs, NULL);
	if (!*err)
		*err = kvx_mc_join(vs, mc);
	if (*err) {
		kfree(mc);
		/* Undoes a widening for this join alone. */
		kvx_sock_rebind(vs);
		return NULL;
	}
	mc->refs = 1;
	list_add(&mc->list, &vs->mcs);
	return mc;
}

static void kvx_mc_put(struct kvx_mc *mc)
{
	ASSERT_RTNL();
	if (--mc->refs)
		return;
	kvx_mc_leave(mc->vs, mc);
	list_del(&mc->list);
	kvx_sock_rebind(mc->vs);
	kfree(mc);
}

/*
 * The device the route to @dst (from @src, if set) leaves through, or 0.
 * @vs is a socket of @dst's family, needed for an IPv6 lookup.
 */
int kvx_route_ifindex(struct net *net, struct kvx_sock *vs,
		      const struct kvx_ip *dst, const struct kvx_ip *src)
{
	int ifindex = 0;

	if (dst->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = dst->v4,
			.saddr = src->family == AF_INET ? src->v4 : 0,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return 0;
		ifindex = rt->dst.dev->ifindex;
		ip_rt_put(rt);
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (dst->family == AF_INET6 && vs) {
		struct flowi6 fl6 = { .daddr = dst->v6 };
		struct dst_entry *ndst;

		if (src->family == AF_INET6)
			fl6.saddr = src->v6;
		ndst = ipv6_stub->ipv6_dst_lookup_flow(net, vs->sock->sk, &fl6,
						       NULL);
		if (IS_ERR(ndst))
			return 0;
		ifindex = ndst->dev->ifindex;
		dst_release(ndst);
	}
#endif
	return ifindex;
}

/*
 * The underlay device of a group: the entry's own, else the device's
 * link, else the one the route to the group leaves through. Resolving it
 * here keeps one key per real membership.
 */
static int kvx_mc_ifindex(struct kvx_dev *kvx, struct kvx_sock *vs,
			  const struct kvx_cfg *cfg,
			  const struct kvx_flood_ent *e)
{
	if (e->ifindex)
		return e->ifindex;
	if (cfg->link)
		return cfg->link;
	return kvx_route_ifindex(kvx_link_net(kvx), vs, &e->remote->ip,
				 &cfg->local);
}

static void kvx_mcast_put_all(struct kvx_mc **mcs, unsigned int n)
{
	while (n--)
		kvx_mc_put(mcs[n]);
	kfree(mcs);
}

static void kvx_mcast_warn(struct kvx_dev *kvx, const struct kvx_ip *g,
			   int err)
{
	if (g->family == AF_INET)
		netdev_warn(kvx->dev, "cannot join %pI4: %d\n", &g->v4, err);
	else
		netdev_warn(kvx->dev, "cannot join %pI6c: %d\n", &g->v6, err);
}

/*
 * Takes a membership of every group of flood list @fl, as a device with
 * configuration @cfg on sockets @socks (none: a device that is down, which
 * holds none) would hold them, into @set; nothing the device holds changes
 * (kvx_mcast_commit() installs @set, kvx_mcast_abort() drops it). A group
 * the device already holds only gains a reference, so committing a set
 * never leaves and rejoins a group that stays. With @strict, a group that
 * cannot be joined fails the whole set (the in-tree driver's behaviour:
 * its open fails when a join does); without, it is reported and skipped.
 */
int kvx_mcast_prepare(struct kvx_dev *kvx, struct kvx_sock *const *socks,
		      const struct kvx_cfg *cfg, const struct kvx_flood *fl,
		      bool strict, struct kvx_mc_set *set,
		      struct netlink_ext_ack *extack)
{
	struct kvx_mc *mc;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	set->mcs = NULL;
	set->n = 0;
	if (!fl || (!socks[KVX_SOCK4] && !socks[KVX_SOCK6]))
		return 0;
	set->mcs = kcalloc(fl->n, sizeof(*set->mcs), GFP_KERNEL);
	if (!set->mcs) {
		NL_SET_ERR_MSG_MOD(extack, "Out of memory for the group memberships");
		return -ENOMEM;
	}
	for (i = 0; i < fl->n; i++) {
		const struct kvx_flood_ent *e = &fl->ent[i];
		const struct kvx_ip *g = &e->remote->ip;
		struct kvx_sock *vs;

		if (!kvx_ip_multicast(g))
			continue;
		vs = socks[kvx_sock_idx(g->family)];
		mc = NULL;
		err = -EAFNOSUPPORT;
		if (vs)
			mc = kvx_mc_get(vs, g, kvx_mc_ifindex(kvx, vs, cfg, e),
					&err);
		if (mc) {
			set->mcs[set->n++] = mc;
			continue;
		}
		kvx_mcast_warn(kvx, g, err);
		if (strict) {
			if (err == -EADDRINUSE)
				NL_SET_ERR_MSG_MOD(extack,
						   "Cannot join the multicast group: another socket has the UDP port on a local address, and kvxlan's socket, bound to another one, cannot receive on every address (nothing changed)");
			else
				NL_SET_ERR_MSG_MOD(extack,
						   "Cannot join the multicast group (IGMP/MLD join failed, nothing changed)");
			kvx_mcast_abort(set);
			return err;
		}
	}
	return 0;
}

/* Makes @set the device's memberships, dropping those it held before. */
void kvx_mcast_commit(struct kvx_dev *kvx, struct kvx_mc_set *set)
{
	ASSERT_RTNL();
	kvx_mcast_put_all(kvx->joined, kvx->n_joined);
	kvx->joined = set->mcs;
	kvx->n_joined = set->n;
	set->mcs = NULL;
	set->n = 0;
}

/* Drops a set that kvx_mcast_prepare() took and nobody installed. */
void kvx_mcast_abort(struct kvx_mc_set *set)
{
	ASSERT_RTNL();
	kvx_mcast_put_all(set->mcs, set->n);
	set->mcs = NULL;
	set->n = 0;
}

/*
 * Makes the device's memberships match its flood list and configuration:
 * every group while the device is up (attached to a socket), none while it
 * is down. All or nothing when @strict (see kvx_mcast_prepare()).
 */
int kvx_mcast_sync(struct kvx_dev *kvx, bool strict,
		   struct netlink_ext_ack *extack)
{
	struct kvx_sock *socks[KVX_NSOCKS] = {
		rtnl_dereference(kvx->sock[KVX_SOCK4]),
		rtnl_dereference(kvx->sock[KVX_SOCK6]),
	};
	struct kvx_mc_set set;
	int err;

	ASSERT_RTNL();
	err = kvx_mcast_prepare(kvx, socks, rtnl_dereference(kvx->cfg),
				rtnl_dereference(kvx->flood), strict, &set,
				extack);
	if (err)
		return err;
	kvx_mcast_commit(kvx, &set);
	return 0;
}

/* Does the device hold a membership on underlay @ifindex? */
bool kvx_mcast_uses(const struct kvx_dev *kvx, int ifindex)
{
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < kvx->n_joined; i++)
		if (kvx->joined[i]->ifindex == ifindex)
			return true;
	return false;
}

void kvx_mcast_leave_all(struct kvx_dev *kvx)
{
	ASSERT_RTNL();
	kvx_mcast_put_all(kvx->joined, kvx->n_joined);
	kvx->joined = NULL;
	kvx->n_joined = 0;
}
