// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: ARP and IPv6 neighbour discovery suppression ("proxy on").
 *
 * With proxy on, an ARP request or IPv6 neighbour solicitation (NS) sent
 * into the device is looked up in the device's own neighbour table (`ip
 * neigh add IP lladdr MAC dev vx0`, as for the in-tree driver's "proxy").
 * When an entry in a NUD_CONNECTED state (permanent, noarp, reachable)
 * names the target, the answer, an ARP reply or a neighbour advertisement
 * (NA), is built here and goes back up the device as if it had come out
 * of the tunnel, and the request never crosses it. Every other frame is
 * sent as before: a request not answered is flooded, or unicast to its
 * destination's FDB entry. Counted per device: proxy_answered, and
 * proxy_flooded for the requests not answered that were flooded.
 *
 * Unlike in-tree, whose proxy drops every ARP frame it does not answer
 * (replies and unanswerable requests alike) and every NS it cannot
 * answer, only answered requests are kept off the tunnel.
 *
 * Nothing of the frame is trusted: each header is pulled into the linear
 * part before it is read, lengths are checked against what is there, and
 * an NS's options are walked within its payload only. A request that
 * breaks RFC 826 or RFC 4861 (7.1.1) is not answered (and is flooded as
 * any frame). A VLAN-tagged frame (the core puts a tag the bridge left
 * in the skb's metadata into the frame, as the device has no VLAN
 * offload) is not looked into.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/icmpv6.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/if_inet6.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/ndisc.h>
#include <net/neighbour.h>

#include "device.h"
#include "fdb.h"
#include "proxy.h"
#include "stats.h"

/* What a frame turned out to be. */
enum kvx_proxy_verdict {
	KVX_PROXY_V_OTHER,	/* not a request: sent on, not counted */
	KVX_PROXY_V_MISS,	/* a request not answered: sent on */
	KVX_PROXY_V_ANSWERED,	/* answered: the request is consumed */
};

/* Hands an answer (data at its Ethernet header) up through the device. */
static void kvx_proxy_rx(struct net_device *dev, struct sk_buff *reply)
{
	unsigned int len;

	reply->protocol = eth_type_trans(reply, dev);
	len = reply->len;
	/* A refusal is counted by the core as the device's rx_dropped. */
	if (netif_rx(reply) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
}

/*
 * The link-layer address the neighbour table gives @key, if its entry is
 * in a NUD_CONNECTED state; @router: the entry's NTF_ROUTER flag.
 */
static bool kvx_proxy_lookup(struct neigh_table *tbl, const void *key,
			     struct net_device *dev, u8 *ha, bool *router)
{
	struct neighbour *n;
	bool ok;

	n = neigh_lookup(tbl, key, dev);
	if (!n)
		return false;
	ok = READ_ONCE(n->nud_state) & NUD_CONNECTED;
	if (ok)
		neigh_ha_snapshot(ha, n, dev);
	*router = READ_ONCE(n->flags) & NTF_ROUTER;
	neigh_release(n);
	return ok && is_valid_ether_addr(ha);
}

static enum kvx_proxy_verdict kvx_proxy_arp(struct net_device *dev,
					    struct sk_buff *skb)
{
	/* Ethernet/IPv4 ARP: the header, then two (MAC, IPv4 address) pairs */
	const unsigned int len = sizeof(struct arphdr) + 2 * (ETH_ALEN + 4);
	u8 sha[ETH_ALEN], ha[ETH_ALEN];
	const struct arphdr *arp;
	struct sk_buff *reply;
	__be32 sip, tip;
	const u8 *p;
	bool router;

	if (!pskb_may_pull(skb, ETH_HLEN + len))
		return KVX_PROXY_V_OTHER;
	arp = (const struct arphdr *)(skb->data + ETH_HLEN);
	if ((arp->ar_hrd != htons(ARPHRD_ETHER) &&
	     arp->ar_hrd != htons(ARPHRD_IEEE802)) ||
	    arp->ar_pro != htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
	    arp->ar_pln != 4 || arp->ar_op != htons(ARPOP_REQUEST))
		return KVX_PROXY_V_OTHER;
	p = (const u8 *)(arp + 1);
	memcpy(sha, p, ETH_ALEN);
	memcpy(&sip, p + ETH_ALEN, sizeof(sip));
	memcpy(&tip, p + 2 * ETH_ALEN + sizeof(sip), sizeof(tip));

	/*
	 * Not answered: with ARP off on the device; a sender no answer can
	 * go to; a gratuitous request (an announcement, for every host); a
	 * target no host can have.
	 */
	if ((dev->flags & IFF_NOARP) || !is_valid_ether_addr(sha) ||
	    sip == tip || ipv4_is_multicast(tip) || ipv4_is_loopback(tip) ||
	    ipv4_is_lbcast(tip) || ipv4_is_zeronet(tip))
		return KVX_PROXY_V_MISS;
	/* The sender asking for itself is not answered with itself. */
	if (!kvx_proxy_lookup(&arp_tbl, &tip, dev, ha, &router) ||
	    ether_addr_equal(ha, sha) ||
	    ether_addr_equal(ha, eth_hdr(skb)->h_source))
		return KVX_PROXY_V_MISS;

	/* To the sender, from the target; a probe's sip 0 (RFC 5227) too. */
	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, ha, sha);
	if (!reply)
		return KVX_PROXY_V_MISS;
	kvx_proxy_rx(dev, reply);
	return KVX_PROXY_V_ANSWERED;
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * The NA for @target at @ha, to @daddr / @dmac: the override flag set, as
 * the in-tree driver's, and the target's link-layer address option.
 */
static struct sk_buff *kvx_proxy_na(struct net_device *dev,
				    const struct in6_addr *target,
				    const struct in6_addr *daddr,
				    const u8 *dmac, const u8 *ha,
				    bool router, bool solicited)
{
	/* the NA and its one option: type, length (8 bytes), the MAC */
	const unsigned int len = sizeof(struct nd_msg) + 8;
	struct sk_buff *skb;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct nd_msg *na;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + sizeof(*ip6) + len +
			dev->needed_tailroom, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb->dev = dev;

	skb_reset_network_header(skb);
	ip6 = skb_put(skb, sizeof(*ip6));
	ip6_flow_hdr(ip6, 0, 0);
	ip6->payload_len = htons(len);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = 255;
	ip6->saddr = *target;
	ip6->daddr = *daddr;

	na = skb_put_zero(skb, len);
	na->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->icmph.icmp6_router = router;
	na->icmph.icmp6_solicited = solicited;
	na->icmph.icmp6_override = 1;
	na->target = *target;
	na->opt[0] = ND_OPT_TARGET_LL_ADDR;
	na->opt[1] = 1;			/* in units of 8 bytes */
	memcpy(&na->opt[2], ha, ETH_ALEN);
	na->icmph.icmp6_cksum = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len,
						IPPROTO_ICMPV6,
						csum_partial(na, len, 0));

	eth = skb_push(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dmac);
	ether_addr_copy(eth->h_source, ha);
	eth->h_proto = htons(ETH_P_IPV6);
	return skb;
}

/* Called under RCU (the transmit path's). */
static enum kvx_proxy_verdict kvx_proxy_ns(struct net_device *dev,
					   struct sk_buff *skb)
{
	const unsigned int off = ETH_HLEN + sizeof(struct ipv6hdr);
	u8 ha[ETH_ALEN], dmac[ETH_ALEN];
	const struct ipv6hdr *ip6;
	struct in6_addr target, daddr;
	const struct nd_msg *ns;
	unsigned int plen, olen, i;
	const u8 *opt, *slla = NULL;
	struct sk_buff *reply;
	bool dad, router;

	if (!pskb_may_pull(skb, off + sizeof(*ns)))
		return KVX_PROXY_V_OTHER;
	ip6 = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	ns = (const struct nd_msg *)(ip6 + 1);
	if (ip6->version != 6 || ip6->nexthdr != IPPROTO_ICMPV6 ||
	    ns->icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION)
		return KVX_PROXY_V_OTHER;

	/* RFC 4861 7.1.1: what a node takes as a solicitation */
	plen = ntohs(ip6->payload_len);
	if (ns->icmph.icmp6_code || ip6->hop_limit != 255 ||
	    plen < sizeof(*ns) || plen > skb->len - off ||
	    !pskb_may_pull(skb, off + plen))
		return KVX_PROXY_V_MISS;
	/* The pull may have moved the data. */
	ip6 = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	ns = (const struct nd_msg *)(ip6 + 1);

	/* Options: each at least 8 bytes, none past the payload (4.6). */
	opt = ns->opt;
	olen = plen - sizeof(*ns);
	for (i = 0; i < olen; i += opt[i + 1] * 8) {
		if (olen - i < 8 || !opt[i + 1] || opt[i + 1] * 8 > olen - i)
			return KVX_PROXY_V_MISS;
		/* the first one counts, as for the kernel's ndisc */
		if (opt[i] == ND_OPT_SOURCE_LL_ADDR && !slla)
			slla = &opt[i + 2];
	}

	target = ns->target;
	if (ipv6_addr_any(&target) || ipv6_addr_loopback(&target) ||
	    ipv6_addr_is_multicast(&target) ||
	    ipv6_addr_is_multicast(&ip6->saddr))
		return KVX_PROXY_V_MISS;
	dad = ipv6_addr_any(&ip6->saddr);
	if (dad) {
		/* Duplicate address detection: answered to all nodes, 7.2.4 */
		if (slla || !ipv6_addr_is_solict_mult(&ip6->daddr))
			return KVX_PROXY_V_MISS;
		daddr = in6addr_linklocal_allnodes;
		ipv6_eth_mc_map(&daddr, dmac);
	} else {
		daddr = ip6->saddr;
		memcpy(dmac, slla ?: eth_hdr(skb)->h_source, ETH_ALEN);
		if (!is_valid_ether_addr(dmac))
			return KVX_PROXY_V_MISS;
	}

	if (!ipv6_mod_enabled() || !__in6_dev_get(dev) ||
	    !kvx_proxy_lookup(ipv6_stub->nd_tbl, &target, dev, ha, &router) ||
	    ether_addr_equal(ha, eth_hdr(skb)->h_source) ||
	    ether_addr_equal(ha, dmac))
		return KVX_PROXY_V_MISS;

	reply = kvx_proxy_na(dev, &target, &daddr, dmac, ha, router, !dad);
	if (!reply)
		return KVX_PROXY_V_MISS;
	kvx_proxy_rx(dev, reply);
	return KVX_PROXY_V_ANSWERED;
}
#endif

bool kvx_proxy_reduce(struct kvx_dev *kvx, struct sk_buff *skb)
{
	enum kvx_proxy_verdict v;
	const u8 *dest;

	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_ARP):
		v = kvx_proxy_arp(kvx->dev, skb);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case htons(ETH_P_IPV6):
		v = kvx_proxy_ns(kvx->dev, skb);
		break;
#endif
	default:
		return false;
	}

	if (v == KVX_PROXY_V_ANSWERED) {
		kvx_cnt_inc(kvx->cnt, KVX_PROXY_ANSWERED);
		consume_skb(skb);
		return true;
	}
	if (v == KVX_PROXY_V_MISS) {
		/* Counted when it goes where the transmit path floods. */
		dest = eth_hdr(skb)->h_dest;
		if (is_multicast_ether_addr(dest) || !kvx_fdb_lookup(kvx, dest))
			kvx_cnt_inc(kvx->cnt, KVX_PROXY_FLOODED);
	}
	return false;
}
