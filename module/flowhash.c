// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the inner flow's hash, from which the transmit path picks a copy's
 * outer UDP source port and IPv6 flow label (RFC 7348: "a hash of fields
 * from the inner packet"), so that an underlay's ECMP and RSS spread the
 * tunnel's flows and keep each flow's packets on one path.
 *
 * A frame that already carries a flow hash (skb->l4_hash or skb->sw_hash:
 * a local socket's, or one the stack computed) keeps it, as the kernel's
 * skb_get_hash() would. Otherwise the hash is computed here from the
 * headers the transmit path looks at anyway, rather than by
 * skb_get_hash(), whose flow dissector and SipHash cost about 650
 * instructions per frame against about 80 here (BENCHMARKS.md):
 *
 *  - the VLAN IDs of up to two tags;
 *  - a frame that is neither IPv4 nor IPv6: the inner MAC addresses and
 *    the EtherType (an IP packet's MACs name a hop, not a flow: the
 *    kernel's flow hash leaves them out too);
 *  - IPv4: the addresses and the protocol, and for TCP, UDP, UDP-Lite and
 *    SCTP the ports, unless the packet is a fragment (later fragments carry
 *    no ports, and a flow's packets must not change port);
 *  - IPv6: the addresses, the flow label and the next header, and the
 *    ports as for IPv4 when the next header is one of those protocols
 *    (behind extension headers, or in a fragment, the ports are not used).
 *
 * Every header is read in place from the frame's linear part, each read
 * checked against its length, or, when the headers run on into the pages,
 * from a copy of the first KVX_FH_MAX bytes: the same bytes either way,
 * never pulled or written. The hash mixes each 64-bit word into
 * a state seeded with a random key (set at module load) by a
 * multiply-xorshift step and ends with MurmurHash3's 64-bit finalizer: each
 * input bit reaches every output bit, so the ports spread evenly over the
 * configured range. It is not a keyed PRF such as the kernel's SipHash:
 * someone who could see many of its outputs and choose the inputs might
 * learn enough to crowd their flows onto one underlay path. It only picks
 * a source port and a flow label: it is never stored in skb->hash (the
 * stack's own uses of that keep the kernel's hash) and keys no table.
 */
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "flowhash.h"

/* 2^64 / golden ratio: odd, with well mixed bits */
#define KVX_FH_MUL	0x9e3779b97f4a7c15ULL

/* random, set at module load */
static u64 kvx_fh_key __ro_after_init;

void __init kvx_flow_hash_init(void)
{
	kvx_fh_key = get_random_u64();
}

/* 8 bytes at @p, of any alignment (one load where the CPU allows it) */
static inline u64 kvx_fh_load64(const void *p)
{
	u64 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* One word into the state: the multiply carries each bit upwards, the shift back down. */
static inline u64 kvx_fh_mix(u64 h, u64 w)
{
	h = (h ^ w) * KVX_FH_MUL;
	return h ^ (h >> 32);
}

/* MurmurHash3's fmix64: every input bit flips each output bit with p ~ 1/2. */
static inline u32 kvx_fh_final(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (u32)h;
}

static inline bool kvx_fh_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP;
}

/* The most of a frame the hash reads: Ethernet, two VLAN tags, IPv4 with options, ports. */
#define KVX_FH_MAX	(ETH_HLEN + 2 * VLAN_HLEN + 60 + 4)

/*
 * The hash of the @len bytes of the frame at @p. False if they end before
 * a header the hash would read: *@hp then holds the hash of the headers
 * before it, which is the frame's hash if the frame ends there too.
 */
static __always_inline bool kvx_fh_parse(const u8 *p, unsigned int len,
					 u64 *hp)
{
	unsigned int off = ETH_HLEN, depth;
	u64 h = kvx_fh_key;
	__be16 proto;
	u32 w, ports;

	/* the transmit path has pulled the Ethernet header */
	memcpy(&proto, p + 12, sizeof(proto));

	for (depth = 0; eth_type_vlan(proto) && depth < 2; depth++) {
		const struct vlan_hdr *vh = (const void *)(p + off);

		if (off + VLAN_HLEN > len)
			goto short_frame;
		h = kvx_fh_mix(h, (__force u16)(vh->h_vlan_TCI &
						htons(VLAN_VID_MASK)));
		proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}

	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const void *)(p + off);

		if (off + sizeof(*iph) > len)
			goto short_frame;
		if (iph->ihl < 5)
			goto out;
		h = kvx_fh_mix(h, (u64)(__force u32)iph->saddr << 32 |
				  (__force u32)iph->daddr);
		w = iph->protocol;
		off += iph->ihl * 4;
		if (ip_is_fragment(iph) || !kvx_fh_has_ports(iph->protocol)) {
			h = kvx_fh_mix(h, w);
			goto out;
		}
	} else if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const void *)(p + off);

		if (off + sizeof(*ip6h) > len)
			goto short_frame;
		h = kvx_fh_mix(h, kvx_fh_load64(&ip6h->saddr));
		h = kvx_fh_mix(h, kvx_fh_load64(ip6h->saddr.s6_addr + 8));
		h = kvx_fh_mix(h, kvx_fh_load64(&ip6h->daddr));
		h = kvx_fh_mix(h, kvx_fh_load64(ip6h->daddr.s6_addr + 8));
		/*
		 * The flow label, not the traffic class: routers may rewrite
		 * its ECN bits (and its DSCP) within a flow.
		 */
		w = be32_to_cpu(ip6_flowlabel(ip6h)) << 8 | ip6h->nexthdr;
		off += sizeof(*ip6h);
		if (!kvx_fh_has_ports(ip6h->nexthdr)) {
			h = kvx_fh_mix(h, w);
			goto out;
		}
	} else {
		/* not IP: the MACs (and the EtherType: bytes 6 and 7 twice) */
		h = kvx_fh_mix(h, kvx_fh_load64(p));
		h = kvx_fh_mix(h, kvx_fh_load64(p + 6));
		goto out;
	}
	/* TCP, UDP, UDP-Lite or SCTP, not a fragment: the ports too */
	if (off + sizeof(ports) > len)
		goto short_frame;
	memcpy(&ports, p + off, sizeof(ports));
	h = kvx_fh_mix(h, (u64)ports << 32 | w);
out:
	*hp = h;
	return true;
short_frame:
	*hp = h;
	return false;
}

/* The headers are not all in the linear part: from a copy of them. */
static noinline u64 kvx_fh_copy(const struct sk_buff *skb)
{
	unsigned int n = min_t(unsigned int, skb->len, KVX_FH_MAX);
	u8 buf[KVX_FH_MAX];
	u64 h;

	/* n <= skb->len: cannot fail; and n >= ETH_HLEN, which was pulled */
	if (WARN_ON_ONCE(skb_copy_bits(skb, 0, buf, n)))
		return kvx_fh_key;
	kvx_fh_parse(buf, n, &h);
	return h;
}

u32 kvx_flow_hash(const struct sk_buff *skb)
{
	unsigned int hlen = skb_headlen(skb);
	u64 h;

	if (skb->l4_hash || skb->sw_hash)
		return skb->hash;

	/* the same bytes either way, so the same hash for one flow */
	if (!kvx_fh_parse(skb->data, hlen, &h) && hlen < skb->len)
		h = kvx_fh_copy(skb);
	return kvx_fh_final(h);
}
