// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: counters. Device traffic counters are the core's per-CPU tstats;
 * every drop is counted under its reason, per device (ethtool -S) or, when
 * no device is known yet, per namespace (/proc/net/kvxlan).
 */
#include <linux/ethtool.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "device.h"
#include "stats.h"

const char * const kvx_dev_cnt_names[] = {
	[KVX_RX_DROP_SHORT_INNER]	= "rx_drop_short_inner",
	[KVX_RX_DROP_ECN]		= "rx_drop_ecn",
	[KVX_RX_DROP_BAD_SRC_MAC]	= "rx_drop_bad_src_mac",
	[KVX_RX_DROP_OWN_MAC]		= "rx_drop_own_mac",
	[KVX_TX_DROP_SHORT]		= "tx_drop_short",
	[KVX_TX_DROP_NO_REMOTE]		= "tx_drop_no_remote",
	[KVX_TX_DROP_NO_ROUTE]		= "tx_drop_no_route",
	[KVX_TX_DROP_LOOP]		= "tx_drop_loop",
	[KVX_TX_DROP_NOMEM]		= "tx_drop_nomem",
	[KVX_TX_DROP_DOWN]		= "tx_drop_down",
	[KVX_FDB_LEARNED]		= "fdb_learned",
	[KVX_FDB_MOVED]			= "fdb_moved",
	[KVX_FDB_AGED]			= "fdb_aged",
	[KVX_FDB_LEARN_LIMIT]		= "fdb_learn_limit",
	[KVX_FDB_LEARN_DAMPENED]	= "fdb_learn_dampened",
	[KVX_RX_DROP_UDP6_ZERO_CSUM]	= "rx_drop_udp6_zero_csum",
	[KVX_RX_DROP_UNKNOWN_PEER]	= "rx_drop_unknown_peer",
	[KVX_RX_DROP_OVERSIZE]		= "rx_drop_oversize",
	[KVX_PROXY_ANSWERED]		= "proxy_answered",
	[KVX_PROXY_FLOODED]		= "proxy_flooded",
};

const char * const kvx_net_cnt_names[] = {
	[KVX_NET_DROP_SHORT_HEADER]	= "rx_drop_short_header",
	[KVX_NET_DROP_NO_VNI_FLAG]	= "rx_drop_no_vni_flag",
	[KVX_NET_DROP_RESERVED_BITS]	= "rx_drop_reserved_bits",
	[KVX_NET_DROP_UNKNOWN_VNI]	= "rx_drop_unknown_vni",
};

struct kvx_pcpu_cnt __percpu *kvx_cnt_alloc(unsigned int n)
{
	struct kvx_pcpu_cnt __percpu *pcnt;
	int cpu;

	pcnt = __alloc_percpu(struct_size_t(struct kvx_pcpu_cnt, v, n),
			      __alignof__(struct kvx_pcpu_cnt));
	if (!pcnt)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcnt, cpu)->syncp);
	return pcnt;
}

/* Sums n counters over all CPUs into out[0..n-1]. */
void kvx_cnt_sum(struct kvx_pcpu_cnt __percpu *pcnt, unsigned int n, u64 *out)
{
	unsigned int i, start;
	int cpu;

	if (WARN_ON_ONCE(n > KVX_CNT_MAX))
		return;
	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct kvx_pcpu_cnt *c = per_cpu_ptr(pcnt, cpu);
		u64 tmp[KVX_CNT_MAX];

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < n; i++)
				tmp[i] = u64_stats_read(&c->v[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < n; i++)
			out[i] += tmp[i];
	}
}

void kvx_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	u64 drops[__KVX_DEV_CNT_MAX];
	unsigned int i;

	dev_fetch_sw_netstats(s, dev->tstats);
	kvx_cnt_sum(kvx->cnt, __KVX_DEV_CNT_MAX, drops);
	for (i = 0; i < KVX_DEV_CNT_FIRST_TX; i++)
		s->rx_dropped += drops[i];
	for (; i < KVX_DEV_CNT_FIRST_FDB; i++)
		s->tx_dropped += drops[i];
	for (i = KVX_DEV_CNT_FIRST_LATE_RX; i < KVX_DEV_CNT_FIRST_PROXY; i++)
		s->rx_dropped += drops[i];
	/* What the IP tunnel core counts when the underlay refuses a packet. */
	s->tx_dropped += DEV_STATS_READ(dev, tx_dropped);
	s->tx_errors = DEV_STATS_READ(dev, tx_errors);
	s->tx_aborted_errors = DEV_STATS_READ(dev, tx_aborted_errors);
	s->rx_frame_errors = drops[KVX_RX_DROP_ECN];
	s->rx_length_errors = drops[KVX_RX_DROP_SHORT_INNER];
	s->rx_frame_errors += drops[KVX_RX_DROP_BAD_SRC_MAC] +
			      drops[KVX_RX_DROP_OWN_MAC];
	s->rx_errors = s->rx_frame_errors + s->rx_length_errors;
}

static void kvx_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, KVX_VERSION, sizeof(info->version));
}

/* Every counter has a name: the last one at least. */
static_assert(ARRAY_SIZE(kvx_dev_cnt_names) == __KVX_DEV_CNT_MAX);
static_assert(ARRAY_SIZE(kvx_net_cnt_names) == __KVX_NET_CNT_MAX);

static int kvx_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? __KVX_DEV_CNT_MAX : -EOPNOTSUPP;
}

static void kvx_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < __KVX_DEV_CNT_MAX; i++)
		strscpy(buf + i * ETH_GSTRING_LEN, kvx_dev_cnt_names[i],
			ETH_GSTRING_LEN);
}

static void kvx_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct kvx_dev *kvx = netdev_priv(dev);

	kvx_cnt_sum(kvx->cnt, __KVX_DEV_CNT_MAX, data);
}

const struct ethtool_ops kvx_ethtool_ops = {
	.get_drvinfo		= kvx_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= kvx_get_sset_count,
	.get_strings		= kvx_get_strings,
	.get_ethtool_stats	= kvx_get_ethtool_stats,
};

/*
 * /proc/net/kvxlan: the namespace's drop counters, one "name value" line
 * each, then one "socket FAMILY PORT users N addr ADDRESS" line per open
 * socket, ADDRESS the one it is bound to or "any" (socket.c, "Binding").
 */
static int kvx_proc_show(struct seq_file *seq, void *v)
{
	struct kvx_net *kn = kvx_net(seq_file_single_net(seq));
	u64 cnt[__KVX_NET_CNT_MAX];
	struct kvx_sock *vs;
	unsigned int i;

	kvx_cnt_sum(kn->cnt, __KVX_NET_CNT_MAX, cnt);
	for (i = 0; i < __KVX_NET_CNT_MAX; i++)
		seq_printf(seq, "%s %llu\n", kvx_net_cnt_names[i], cnt[i]);

	rtnl_lock();
	list_for_each_entry(vs, &kn->socks, list) {
		seq_printf(seq, "socket %s %u users %u addr ",
			   vs->family == AF_INET ? "inet" : "inet6",
			   ntohs(vs->port), vs->users);
		if (vs->bound.family == AF_INET)
			seq_printf(seq, "%pI4\n", &vs->bound.v4);
		else if (vs->bound.family == AF_INET6)
			seq_printf(seq, "%pI6c\n", &vs->bound.v6);
		else
			seq_puts(seq, "any\n");
	}
	rtnl_unlock();
	return 0;
}

int kvx_proc_init(struct kvx_net *kn)
{
	if (!proc_create_net_single(KBUILD_MODNAME, 0444, kn->net->proc_net,
				    kvx_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

void kvx_proc_exit(struct kvx_net *kn)
{
	remove_proc_entry(KBUILD_MODNAME, kn->net->proc_net);
}
