// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz - a hostile client of kvxlan's netlink interfaces.
 *
 *   nl_fuzz --dev vx0 [--dev vx1] [--underlay veth0] [--seed N]
 *           [--iterations N] [--entries N] [--rounds N] [--timeout MS]
 *           [--budget SECONDS] [--min-cases N]
 *           [--phases genl,link,neigh,dump | unpriv] [--only N] [-v]
 *
 * Phases (each deterministic for a given --seed; case N of a phase can be
 * replayed alone with --only N):
 *
 *   genl    --iterations requests to every command of the "kvxlan" generic
 *           netlink family (and to unknown ones), built from its policies:
 *           valid values, boundary values (0, 1, max, max + 1, all-ones),
 *           wrong lengths (0, 1, 3, 5, 7, 15, 17 bytes, huge), unknown and
 *           reply-only attributes, NLA_F_NESTED missing or misplaced,
 *           nests of garbage, deep nests, duplicates, an nla_len pointing
 *           past the message, trailing bytes, a short genlmsghdr, another
 *           version, NLM_F_DUMP on do-only commands and flag soup.
 *   link    --iterations / 4 RTM_NEWLINK (create, change), RTM_SETLINK,
 *           RTM_DELLINK requests for devices "fz0".."fz2" of kind "kvxlan",
 *           IFLA_INFO_DATA built the same way from the link
 *           attributes; every device created is deleted at the end.
 *   neigh   --iterations / 2 RTM_NEWNEIGH / RTM_DELNEIGH AF_BRIDGE requests
 *           ("bridge fdb") to the devices.
 *   dump    a device "fzdump" with --entries static FDB entries: full dumps
 *           (KVXLAN_CMD_FDB_GET, RTM_GETNEIGH AF_BRIDGE) must list each
 *           entry once; --rounds dumps are abandoned midway (the socket
 *           closed after 0-3 datagrams); dumps run while another process
 *           deletes, flushes and re-adds entries; the device is deleted
 *           while two dumps of it are half read.
 *   unpriv  drops to uid/gid 65534 before opening anything: every change
 *           command, link and neighbour request, and joining "events",
 *           must answer EPERM; reads still work; nothing changed.
 *
 * --budget ends each of the genl, link, neigh and unpriv phases after that
 * many seconds (the cases are the same, there are fewer of them: an
 * emulated guest on a busy host may manage only a few a second), but not
 * before it has sent --min-cases cases (or all it plans, if fewer): with a
 * fixed --seed, cases 0 to N - 1 of every phase run however slow the host.
 *
 * Every request asks for an ACK and every answer is awaited with a
 * timeout: no answer within --timeout ms is a hang. Each answer must parse
 * (lengths, NLMSG_ERROR with an errno in [-4095, 0], extack TLVs, replies
 * of the right command with well-formed attributes). A request whose
 * attributes the family's strict policies must reject may not succeed;
 * an error of the family past the core's checks must carry an extack
 * message. After every 64 cases each --dev must still answer DEV_GET.
 *
 * While a phase runs it prints "nl_fuzz: PHASE: N/PLAN cases, T s" at its
 * start (N = 0: PLAN is what it plans) and every 250 cases, and
 * "nl_fuzz: PHASE: time budget of B s used up after N cases" if --budget
 * ends it.  At the end, a line per phase that sent anything,
 *
 *   nl_fuzz: PHASE: cases N, successes N, errors N, hangs N, malformed N,
 *   unexpected N, bare N, replies N, T s in the kernel
 *
 * (one line; nl_fuzz.sh holds each phase to a floor of cases), and last
 *
 *   nl_fuzz: total: cases sent N, successes N, errors N, hangs N,
 *   malformed N, unexpected N, bare N
 *
 * (one line); the exit status is 1 if any of the last four is non-zero.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/kvxlan.h>

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS	0x200
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED	0x100
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_CAP		(512 * 1024)
#define MAX_DEVS	4
#define MAX_ERRNO	4095
#define HEALTH_EVERY	64
#define DUMP_PREFIX	0x02	/* MACs of the dump phase: 02:00:00:xx:xx:xx */
#define DUMP_REMOTES	64	/* their remotes: 10.77.0.1..64 */

/* ----- options ----- */

static struct {
	uint64_t seed;
	unsigned int iterations;
	unsigned int entries;
	unsigned int rounds;
	int timeout_ms;
	double budget;		/* seconds per fuzzing phase, 0: none */
	unsigned long min_cases;	/* ... but never fewer cases */
	int verbose;
	long only;
	const char *phases;
	char devname[MAX_DEVS][IF_NAMESIZE];
	int dev[MAX_DEVS];
	unsigned int ndevs;
	int underlay;
	bool unpriv;
	uint16_t family;	/* the kvxlan genl family's id */
	uint32_t mcgrp;		/* its "events" group */
} opt = {
	.seed = 1,
	.iterations = 2000,
	.entries = 20000,
	.rounds = 60,
	.timeout_ms = 5000,
	.only = -1,
	.phases = "genl,link,neigh,dump",
};

/* ----- counters ----- */

enum surface { S_GENL, S_LINK, S_NEIGH, S_DUMP, S_UNPRIV, S_HEALTH, S_MAX };

static const char * const surface_name[S_MAX] = {
	"genl", "link", "neigh", "dump", "unpriv", "health",
};

struct stats {
	unsigned long cases, ok, errors, hangs, malformed, unexpected, bare;
	unsigned long replies, stray;
	double secs;		/* waiting for answers */
	unsigned long by_errno[MAX_ERRNO + 1];
	unsigned long bare_errno[MAX_ERRNO + 1];
};

static struct stats st[S_MAX];
static enum surface cur = S_GENL;
static long cur_case = -1;
static struct timespec t0;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("nl_fuzz: %s", surface_name[cur]);
	if (cur_case >= 0)
		printf(" case %ld", cur_case);
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void unexpected(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void unexpected(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	st[cur].unexpected++;
	note("UNEXPECTED: %s (replay: --seed %llu --phases %s --only %ld)", buf,
	     (unsigned long long)opt.seed, surface_name[cur], cur_case);
}

static const char *errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "E?";
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nl_fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ----- deterministic randomness ----- */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? rnd64() % n : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* Each case draws from its own stream: --only N replays case N alone. */
static void rng_case(enum surface s, unsigned long n)
{
	rng = opt.seed * 0x100000001b3ULL ^ ((uint64_t)s << 48) ^ n;
	rnd64();
}

static void rnd_bytes(void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = rnd64();
}

/* ----- building messages ----- */

struct msg {
	uint8_t *b;
	size_t len;
};

static void *msg_put(struct msg *m, const void *data, size_t len)
{
	size_t alen = NLMSG_ALIGN(len);
	uint8_t *p;

	if (m->len + alen > MSG_CAP)
		die("request larger than %d bytes", MSG_CAP);
	p = m->b + m->len;
	if (data)
		memcpy(p, data, len);
	else
		memset(p, 0, len);
	memset(p + len, 0, alen - len);
	m->len += alen;
	return p;
}

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type,
				  uint16_t flags)
{
	struct nlmsghdr *nlh;

	m->len = 0;
	nlh = msg_put(m, NULL, NLMSG_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static void attr_put(struct msg *m, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr nla = { .nla_type = type };
	size_t off = m->len;

	nla.nla_len = NLA_HDRLEN + len > 0xffff ? 0xffff : NLA_HDRLEN + len;
	msg_put(m, &nla, sizeof(nla));
	m->len = off + NLA_HDRLEN;
	msg_put(m, data, len);
}

static void attr_u32(struct msg *m, uint16_t type, uint32_t v)
{
	attr_put(m, type, &v, sizeof(v));
}

static void attr_str(struct msg *m, uint16_t type, const char *s)
{
	attr_put(m, type, s, strlen(s) + 1);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	struct nlattr nla = { .nla_type = type };
	size_t off = m->len;

	msg_put(m, &nla, sizeof(nla));
	return off;
}

static void nest_end(struct msg *m, size_t off)
{
	struct nlattr *nla = (struct nlattr *)(m->b + off);
	size_t len = m->len - off;

	nla->nla_len = len > 0xffff ? 0xffff : len;
}

static void hexdump(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->len && i < 256; i++)
		printf("%02x%s", m->b[i], i % 32 == 31 ? "\n" : " ");
	if (i % 32)
		putchar('\n');
}

/* ----- sockets and answers ----- */

struct nlsock {
	int fd;
	int proto;
	uint32_t seq;
};

struct answer {
	int err;		/* 0, or the kernel's negative errno */
	bool hang;		/* no answer within the timeout */
	bool malformed;
	bool has_msg;		/* NLMSGERR_ATTR_MSG */
	bool intr;		/* a part was flagged NLM_F_DUMP_INTR */
	bool in_done;		/* the error came in NLMSG_DONE */
	bool send_err;		/* our send() failed: err is its errno */
	unsigned int replies;
	double secs;		/* from the request to its last answer */
	char msg[160];
	char why[160];		/* what was malformed */
};

/* Checks a data message; returns false (and says why) if malformed. */
typedef bool (*reply_cb)(const struct nlmsghdr *nlh, void *arg,
			 struct answer *a);

static uint8_t *rbuf;
static size_t rbuf_size = 1 << 20;

static int nls_open(struct nlsock *s, int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = 4 << 20;

	s->proto = proto;
	s->seq = (uint32_t)rnd64() | 1;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s->fd < 0)
		return -errno;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(s->fd);
		return err;
	}
	return 0;
}

static void nls_close(struct nlsock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* One datagram: its length, 0 on timeout, or a negative errno. */
static ssize_t nls_recv(struct nlsock *s, int timeout_ms)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int r;

	r = poll(&pfd, 1, timeout_ms);
	if (r == 0)
		return 0;
	if (r < 0)
		return -errno;
	n = recv(s->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if ((size_t)n > rbuf_size) {
		rbuf_size = n;
		rbuf = realloc(rbuf, rbuf_size);
		if (!rbuf)
			die("out of memory");
	}
	n = recv(s->fd, rbuf, rbuf_size, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return n ? n : -EPROTO;
}

static void malformed(struct answer *a, const char *why)
{
	if (!a->malformed)
		snprintf(a->why, sizeof(a->why), "%s", why);
	a->malformed = true;
}

/* The extack TLVs at p (len bytes): well-formed, the message kept. */
static void parse_tlvs(const uint8_t *p, size_t len, struct answer *a)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const void *)p;
		size_t alen = nla->nla_len, plen;

		if (alen < NLA_HDRLEN || alen > len) {
			malformed(a, "extack TLV length");
			return;
		}
		plen = alen - NLA_HDRLEN;
		if ((nla->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = (const char *)(nla + 1);

			if (!plen || s[plen - 1]) {
				malformed(a, "extack message not terminated");
				return;
			}
			a->has_msg = true;
			snprintf(a->msg, sizeof(a->msg), "%s", s);
		}
		alen = NLA_ALIGN(alen);
		if (alen > len)
			alen = len;
		p += alen;
		len -= alen;
	}
	if (len)
		malformed(a, "bytes after the extack TLVs");
}

static void parse_error(const struct nlmsghdr *nlh, uint32_t seq,
			struct answer *a)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN, off;

	if (plen < sizeof(*e)) {
		malformed(a, "short NLMSG_ERROR");
		return;
	}
	if (e->error > 0 || e->error < -MAX_ERRNO) {
		malformed(a, "errno out of range");
		return;
	}
	a->err = e->error;
	if (e->msg.nlmsg_seq != seq)
		malformed(a, "NLMSG_ERROR echoes another request");
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		off = sizeof(*e);
	else
		off = sizeof(e->error) + NLMSG_ALIGN(e->msg.nlmsg_len);
	if (off > plen) {
		malformed(a, "NLMSG_ERROR shorter than its request");
		return;
	}
	parse_tlvs((const uint8_t *)e + off, plen - off, a);
}

static void parse_done(const struct nlmsghdr *nlh, struct answer *a)
{
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	int err;

	if (plen < sizeof(int)) {
		malformed(a, "short NLMSG_DONE");
		return;
	}
	memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	if (err > 0 || err < -MAX_ERRNO) {
		malformed(a, "NLMSG_DONE errno out of range");
		return;
	}
	a->err = err;
	a->in_done = err < 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_tlvs((const uint8_t *)NLMSG_DATA(nlh) + sizeof(int),
			   plen - sizeof(int), a);
}

/*
 * Reads the answer to the request with sequence number seq: replies up to
 * the ACK, or up to NLMSG_DONE for a dump. max_dgrams >= 0 stops after
 * that many datagrams (an abandoned dump). Returns false on a hang.
 */
static bool nls_answer(struct nlsock *s, uint32_t seq, reply_cb cb, void *arg,
		       struct answer *a, int max_dgrams)
{
	bool done = false;
	int dgrams = 0;

	while (!done) {
		ssize_t n;
		size_t len;
		struct nlmsghdr *nlh;

		if (max_dgrams >= 0 && dgrams >= max_dgrams)
			return true;
		n = nls_recv(s, opt.timeout_ms);
		if (n == 0) {
			a->hang = true;
			return false;
		}
		if (n == -ENOBUFS) {
			malformed(a, "ENOBUFS: answers were lost");
			continue;
		}
		if (n < 0) {
			malformed(a, strerror(-n));
			return true;
		}
		dgrams++;
		len = n;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq) {
				st[cur].stray++;
				continue;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				a->intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_error(nlh, seq, a);
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				parse_done(nlh, a);
				done = true;
			} else if (nlh->nlmsg_type < NLMSG_MIN_TYPE) {
				malformed(a, "unexpected control message");
			} else {
				a->replies++;
				if (cb && !cb(nlh, arg, a))
					malformed(a, "bad reply");
			}
		}
		if (len)
			malformed(a, "datagram ends inside a message");
	}
	return true;
}

static uint32_t nls_send(struct nlsock *s, struct msg *m, struct answer *a)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;

	nlh->nlmsg_len = m->len;
	nlh->nlmsg_seq = ++s->seq;
	nlh->nlmsg_pid = 0;
	if (send(s->fd, m->b, m->len, 0) < 0) {
		a->err = -errno;
		a->send_err = true;
	}
	return nlh->nlmsg_seq;
}

/* Send m and read its whole answer. */
static bool nls_talk(struct nlsock *s, struct msg *m, reply_cb cb, void *arg,
		     struct answer *a)
{
	double start = elapsed();
	uint32_t seq;
	bool ok;

	memset(a, 0, sizeof(*a));
	seq = nls_send(s, m, a);
	if (a->send_err)
		return true;
	ok = nls_answer(s, seq, cb, arg, a, -1);
	a->secs = elapsed() - start;
	return ok;
}

/* ----- attributes in replies ----- */

/* nla stream at p: every length consistent, to the last byte. */
static bool attrs_ok(const uint8_t *p, size_t len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const void *)p;
		size_t alen = nla->nla_len;

		if (alen < NLA_HDRLEN || alen > len)
			return false;
		alen = NLA_ALIGN(alen);
		if (alen > len)
			alen = len;
		p += alen;
		len -= alen;
	}
	return len == 0;
}

static const struct nlattr *attr_find(const uint8_t *p, size_t len,
				      uint16_t type)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const void *)p;
		size_t alen = NLA_ALIGN(nla->nla_len);

		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
		if (nla->nla_len < NLA_HDRLEN || alen > len)
			return NULL;
		p += alen;
		len -= alen;
	}
	return NULL;
}

static size_t nla_plen(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

static const uint8_t *nla_pdata(const struct nlattr *nla)
{
	return (const uint8_t *)nla + NLA_HDRLEN;
}

struct genl_reply {
	uint8_t cmd;		/* the command every reply must carry */
	int ifindex;		/* bridge dumps: the device counted */
	uint8_t *seen;		/* dump phase: entries listed */
	unsigned long entries, dups;
};

/* A reply of the kvxlan family: the request's command, sane attributes. */
static bool genl_reply_ok(const struct nlmsghdr *nlh, void *arg,
			  struct answer *a)
{
	struct genl_reply *r = arg;
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const uint8_t *p = (const uint8_t *)g + GENL_HDRLEN;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *nla, *sub;
	uint32_t ifindex;

	if (nlh->nlmsg_type != opt.family || len < GENL_HDRLEN) {
		malformed(a, "reply of another family, or short");
		return false;
	}
	len -= GENL_HDRLEN;
	if (g->cmd != r->cmd || !attrs_ok(p, len)) {
		malformed(a, "reply: wrong command or attribute lengths");
		return false;
	}
	nla = attr_find(p, len, KVXLAN_A_IFINDEX);
	if (!nla || nla_plen(nla) != 4) {
		malformed(a, "reply without a u32 IFINDEX");
		return false;
	}
	memcpy(&ifindex, nla_pdata(nla), 4);
	if (!ifindex) {
		malformed(a, "reply with IFINDEX 0");
		return false;
	}
	/* Every nest must be well-formed; FDB entries must be complete. */
	for (; len >= NLA_HDRLEN; ) {
		const struct nlattr *n = (const void *)p;
		size_t alen = NLA_ALIGN(n->nla_len);
		uint16_t type = n->nla_type & NLA_TYPE_MASK;

		if ((type == KVXLAN_A_FDB || type == KVXLAN_A_REMOTE ||
		     type == KVXLAN_A_STATS) &&
		    !attrs_ok(nla_pdata(n), nla_plen(n))) {
			malformed(a, "reply: nest with bad lengths");
			return false;
		}
		if (type == KVXLAN_A_FDB) {
			const uint8_t *mac;

			sub = attr_find(nla_pdata(n), nla_plen(n),
					KVXLAN_FDB_A_MAC);
			if (!sub || nla_plen(sub) != 6) {
				malformed(a, "FDB entry without a MAC");
				return false;
			}
			mac = nla_pdata(sub);
			sub = attr_find(nla_pdata(n), nla_plen(n),
					KVXLAN_FDB_A_ADDR);
			if (!sub || (nla_plen(sub) != 4 && nla_plen(sub) != 16)) {
				malformed(a, "FDB entry without an ADDR");
				return false;
			}
			sub = attr_find(nla_pdata(n), nla_plen(n),
					KVXLAN_FDB_A_KIND);
			if (!sub || nla_plen(sub) != 1 || !*nla_pdata(sub) ||
			    *nla_pdata(sub) > KVXLAN_FDB_KIND_MAX) {
				malformed(a, "FDB entry without a valid KIND");
				return false;
			}
			if (r->seen && mac[0] == DUMP_PREFIX && !mac[1] &&
			    !mac[2]) {
				unsigned int i = mac[3] << 16 | mac[4] << 8 |
						 mac[5];

				if (i < opt.entries && r->seen[i]++)
					r->dups++;
				r->entries++;
			}
		}
		if (type == KVXLAN_A_REMOTE) {
			sub = attr_find(nla_pdata(n), nla_plen(n),
					KVXLAN_REMOTE_A_ADDR);
			if (!sub || (nla_plen(sub) != 4 && nla_plen(sub) != 16)) {
				malformed(a, "REMOTE without an ADDR");
				return false;
			}
		}
		if (alen > len)
			alen = len;
		p += alen;
		len -= alen;
	}
	return true;
}

/* An rtnetlink reply: a header of the family's size, sane attributes. */
static bool rtnl_reply_ok(const struct nlmsghdr *nlh, void *arg,
			  struct answer *a)
{
	struct genl_reply *r = arg;
	size_t hdr, len = nlh->nlmsg_len - NLMSG_HDRLEN;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		hdr = sizeof(struct ifinfomsg);
		break;
	case RTM_NEWNEIGH:
		hdr = sizeof(struct ndmsg);
		break;
	default:
		malformed(a, "unexpected rtnetlink reply type");
		return false;
	}
	if (len < hdr || !attrs_ok((const uint8_t *)NLMSG_DATA(nlh) + hdr,
				   len - NLMSG_ALIGN(hdr))) {
		malformed(a, "rtnetlink reply with bad lengths");
		return false;
	}
	if (r && r->seen && nlh->nlmsg_type == RTM_NEWNEIGH) {
		const struct ndmsg *ndm = NLMSG_DATA(nlh);
		const struct nlattr *nla;
		const uint8_t *mac;

		if (ndm->ndm_ifindex != r->ifindex)
			return true;
		nla = attr_find((const uint8_t *)ndm + NLMSG_ALIGN(hdr),
				len - NLMSG_ALIGN(hdr), NDA_LLADDR);
		if (!nla || nla_plen(nla) != 6) {
			malformed(a, "bridge FDB entry without NDA_LLADDR");
			return false;
		}
		mac = nla_pdata(nla);
		if (mac[0] == DUMP_PREFIX && !mac[1] && !mac[2]) {
			unsigned int i = mac[3] << 16 | mac[4] << 8 | mac[5];

			if (i < opt.entries && r->seen[i]++)
				r->dups++;
			r->entries++;
		}
	}
	return true;
}

/* ----- accounting ----- */

/*
 * want, want2: errnos the core must answer (0: none required).
 * must_fail: the strict policy has to reject the request.
 * core_bare: an error without extack message is the core's, not ours.
 */
struct expect {
	int want, want2;
	bool must_fail;
	bool core_bare;
	bool bare_counts;	/* a bare error is a finding (genl) */
	const char *what;
};

static void account(const struct msg *m, const struct expect *ex,
		    const struct answer *a)
{
	struct stats *s = &st[cur];
	int e = -a->err;

	s->cases++;
	s->replies += a->replies;
	s->secs += a->secs;
	if (opt.verbose) {
		note("%s len %zu -> %s%s%s%s", ex->what, m->len,
		     a->hang ? "HANG" : a->err ? errname(a->err) : "ok",
		     a->has_msg ? " \"" : "", a->has_msg ? a->msg : "",
		     a->has_msg ? "\"" : "");
		if (opt.verbose > 1)
			hexdump(m);
	}
	if (a->send_err) {
		unexpected("%s: send: %s", ex->what, strerror(e));
		return;
	}
	if (a->secs > 1.0 && !a->hang)
		note("SLOW: %s took %.1f s", ex->what, a->secs);
	if (a->hang) {
		s->hangs++;
		note("HANG: %s: no answer within %d ms (replay: --seed %llu --phases %s --only %ld)",
		     ex->what, opt.timeout_ms, (unsigned long long)opt.seed,
		     surface_name[cur], cur_case);
		hexdump(m);
		return;
	}
	if (a->malformed) {
		s->malformed++;
		note("MALFORMED answer to %s: %s", ex->what, a->why);
		hexdump(m);
	}
	if (!a->err) {
		s->ok++;
		if (ex->want || ex->must_fail) {
			unexpected("%s succeeded, expected %s", ex->what,
				   ex->want ? errname(ex->want) :
				   "a policy error");
			hexdump(m);
		}
		return;
	}
	s->errors++;
	s->by_errno[e]++;
	if (ex->want && e != ex->want && e != ex->want2) {
		unexpected("%s: %s, expected %s%s%s", ex->what, errname(e),
			   errname(ex->want), ex->want2 ? " or " : "",
			   ex->want2 ? errname(ex->want2) : "");
		hexdump(m);
	}
	if (!a->has_msg && !ex->core_bare && e != ex->want && e != ex->want2) {
		s->bare_errno[e]++;
		if (!ex->bare_counts && s->bare_errno[e] <= 2)
			note("no extack message (the core's?): %s: %s",
			     ex->what, errname(e));
		if (ex->bare_counts) {
			s->bare++;
			note("BARE: %s: %s without an extack message",
			     ex->what, errname(e));
			hexdump(m);
		}
	}
}

/*
 * A line per phase and every 250 cases, with the time since the start.
 * False once the phase has used up its --budget and sent --min-cases.
 */
static bool progress(unsigned long n, unsigned long total)
{
	static double phase_start;

	if (!n)
		phase_start = elapsed();
	if (opt.only < 0 && n % 250 == 0)
		printf("nl_fuzz: %s: %lu/%lu cases, %.1f s\n",
		       surface_name[cur], n, total, elapsed());
	if (opt.budget && n >= opt.min_cases &&
	    elapsed() - phase_start > opt.budget) {
		printf("nl_fuzz: %s: time budget of %.0f s used up after %lu cases\n",
		       surface_name[cur], opt.budget, n);
		return false;
	}
	return true;
}

/* ----- the genl family ----- */

static bool ctrl_reply(const struct nlmsghdr *nlh, void *arg, struct answer *a)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *nla, *grp;

	(void)arg;
	if (!attrs_ok(p, len))
		return false;
	nla = attr_find(p, len, CTRL_ATTR_FAMILY_ID);
	if (!nla || nla_plen(nla) < 2) {
		malformed(a, "no family id");
		return false;
	}
	memcpy(&opt.family, nla_pdata(nla), 2);
	nla = attr_find(p, len, CTRL_ATTR_MCAST_GROUPS);
	if (!nla)
		return true;
	p = nla_pdata(nla);
	len = nla_plen(nla);
	while (len >= NLA_HDRLEN) {
		const struct nlattr *n;

		grp = (const void *)p;
		if (grp->nla_len < NLA_HDRLEN || grp->nla_len > len)
			return false;
		n = attr_find(nla_pdata(grp), nla_plen(grp),
			      CTRL_ATTR_MCAST_GRP_NAME);
		if (n && !strcmp((const char *)nla_pdata(n),
				 KVXLAN_MCGRP_EVENTS)) {
			n = attr_find(nla_pdata(grp), nla_plen(grp),
				      CTRL_ATTR_MCAST_GRP_ID);
			if (n && nla_plen(n) == 4)
				memcpy(&opt.mcgrp, nla_pdata(n), 4);
		}
		if ((size_t)NLA_ALIGN(grp->nla_len) >= len)
			break;
		len -= NLA_ALIGN(grp->nla_len);
		p += NLA_ALIGN(grp->nla_len);
	}
	return true;
}

static void resolve_family(struct nlsock *g, struct msg *m)
{
	struct genlmsghdr hdr = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 };
	struct answer a;

	msg_start(m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK);
	msg_put(m, &hdr, sizeof(hdr));
	attr_str(m, CTRL_ATTR_FAMILY_NAME, KVXLAN_GENL_NAME);
	if (!nls_talk(g, m, ctrl_reply, NULL, &a) || a.err || !opt.family)
		die("generic netlink family \"%s\" not found: %s",
		    KVXLAN_GENL_NAME, a.hang ? "no answer" : errname(a.err));
}

static void genl_start(struct msg *m, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr hdr = { .cmd = cmd, .version = KVXLAN_GENL_VERSION };

	msg_start(m, opt.family, NLM_F_REQUEST | flags);
	msg_put(m, &hdr, sizeof(hdr));
}

/* DEV_GET on every --dev must succeed and name it. */
static void health(struct nlsock *g, struct msg *m)
{
	enum surface saved = cur;
	unsigned int i;

	cur = S_HEALTH;
	for (i = 0; i < opt.ndevs; i++) {
		struct genl_reply r = { .cmd = KVXLAN_CMD_DEV_GET };
		struct expect ex = { .what = "DEV_GET (is the kernel well?)" };
		struct answer a;

		genl_start(m, KVXLAN_CMD_DEV_GET, NLM_F_ACK);
		attr_u32(m, KVXLAN_A_IFINDEX, opt.dev[i]);
		nls_talk(g, m, genl_reply_ok, &r, &a);
		account(m, &ex, &a);
		if (!a.hang && (a.err || a.replies != 1))
			unexpected("DEV_GET %s: %s, %u replies",
				   opt.devname[i], errname(a.err), a.replies);
	}
	cur = saved;
}

/* ----- attribute models ----- */

enum akind { A_NONE, A_U8, A_U16, A_U32, A_U64, A_MAC, A_ADDR, A_IFINDEX,
	     A_NEST, A_RANGE };

struct space;

struct aspec {
	enum akind kind;
	bool ok;		/* in the request policy */
	bool ranged;		/* min..max enforced */
	uint64_t min, max;
	const struct space *nest;
};

struct space {
	const char *name;
	unsigned int max;
	const struct aspec *a;
	bool strict;		/* genl: strict; link data: liberal */
};

#define U(k)		{ .kind = (k) }
#define OK(k)		{ .kind = (k), .ok = true }
#define RANGE(k, lo, hi) { .kind = (k), .ok = true, .ranged = true, \
			   .min = (lo), .max = (hi) }

static const struct aspec fdb_attrs[KVXLAN_FDB_A_MAX + 1] = {
	[KVXLAN_FDB_A_PAD]	= U(A_U32),
	[KVXLAN_FDB_A_MAC]	= OK(A_MAC),
	[KVXLAN_FDB_A_ADDR]	= OK(A_ADDR),
	[KVXLAN_FDB_A_PORT]	= RANGE(A_U16, 1, 65535),
	[KVXLAN_FDB_A_VNI]	= RANGE(A_U32, 0, KVXLAN_VNI_MAX),
	[KVXLAN_FDB_A_KIND]	= RANGE(A_U8, 1, KVXLAN_FDB_KIND_MAX),
	[KVXLAN_FDB_A_CREATED]	= U(A_U64),
	[KVXLAN_FDB_A_UPDATED]	= U(A_U64),
	[KVXLAN_FDB_A_USED]	= U(A_U64),
	[KVXLAN_FDB_A_HITS]	= U(A_U64),
	[KVXLAN_FDB_A_MOVES]	= U(A_U64),
};

static const struct aspec remote_attrs[KVXLAN_REMOTE_A_MAX + 1] = {
	[KVXLAN_REMOTE_A_PAD]		= U(A_U32),
	[KVXLAN_REMOTE_A_ADDR]		= OK(A_ADDR),
	[KVXLAN_REMOTE_A_PORT]		= RANGE(A_U16, 1, 65535),
	[KVXLAN_REMOTE_A_VNI]		= RANGE(A_U32, 0, KVXLAN_VNI_MAX),
	[KVXLAN_REMOTE_A_TX_PACKETS]	= U(A_U64),
	[KVXLAN_REMOTE_A_TX_BYTES]	= U(A_U64),
	[KVXLAN_REMOTE_A_RX_PACKETS]	= U(A_U64),
	[KVXLAN_REMOTE_A_RX_BYTES]	= U(A_U64),
	[KVXLAN_REMOTE_A_FLOOD_COPIES]	= U(A_U64),
	[KVXLAN_REMOTE_A_FDB_REFS]	= U(A_U32),
	[KVXLAN_REMOTE_A_IFINDEX]	= OK(A_IFINDEX),
};

static const struct aspec stats_attrs[KVXLAN_STATS_A_MAX + 1] = {
	[1 ... KVXLAN_STATS_A_MAX] = U(A_U64),
};

static const struct space fdb_space = {
	"fdb", KVXLAN_FDB_A_MAX, fdb_attrs, true,
};
static const struct space remote_space = {
	"remote", KVXLAN_REMOTE_A_MAX, remote_attrs, true,
};
static const struct space stats_space = {
	"stats", KVXLAN_STATS_A_MAX, stats_attrs, true,
};

static const struct aspec genl_attrs[KVXLAN_A_MAX + 1] = {
	[KVXLAN_A_PAD]		= U(A_U32),
	[KVXLAN_A_IFINDEX]	= RANGE(A_IFINDEX, 1, UINT32_MAX),
	[KVXLAN_A_VNI]		= U(A_U32),
	[KVXLAN_A_PORT]		= U(A_U16),
	[KVXLAN_A_LEARNING]	= U(A_U8),
	[KVXLAN_A_AGEING]	= U(A_U32),
	[KVXLAN_A_MAX_LEARNED]	= U(A_U32),
	[KVXLAN_A_FDB_STATIC]	= U(A_U32),
	[KVXLAN_A_FDB_LEARNED]	= U(A_U32),
	[KVXLAN_A_FDB]		= { .kind = A_NEST, .ok = true,
				    .nest = &fdb_space },
	[KVXLAN_A_REMOTE]	= { .kind = A_NEST, .ok = true,
				    .nest = &remote_space },
	[KVXLAN_A_STATS]	= { .kind = A_NEST, .nest = &stats_space },
	[KVXLAN_A_EVENT]	= U(A_U8),
	[KVXLAN_A_DAMPEN_MOVES]	= U(A_U32),
	[KVXLAN_A_DAMPEN_WINDOW] = U(A_U32),
	[KVXLAN_A_DAMPEN_HOLD]	= U(A_U32),
};

static const struct space genl_space = {
	"genl", KVXLAN_A_MAX, genl_attrs, true,
};

/* Link attributes: known types are "ok"; the values the module checks. */
static const struct aspec link_attrs[IFLA_KVXLAN_MAX + 1] = {
	[IFLA_KVXLAN_VNI]		= RANGE(A_U32, 0, KVXLAN_VNI_MAX),
	[IFLA_KVXLAN_LOCAL]		= OK(A_ADDR),
	[IFLA_KVXLAN_REMOTE]		= OK(A_ADDR),
	[IFLA_KVXLAN_LINK]		= OK(A_IFINDEX),
	[IFLA_KVXLAN_PORT]		= RANGE(A_U16, 1, 65535),
	[IFLA_KVXLAN_PORT_RANGE]	= OK(A_RANGE),
	[IFLA_KVXLAN_TTL]		= OK(A_U8),
	[IFLA_KVXLAN_TOS]		= OK(A_U8),
	[IFLA_KVXLAN_DF]		= RANGE(A_U8, 0, KVXLAN_DF_MAX),
	[IFLA_KVXLAN_LEARNING]		= RANGE(A_U8, 0, 1),
	[IFLA_KVXLAN_AGEING]		= OK(A_U32),
	[IFLA_KVXLAN_MAX_LEARNED]	= OK(A_U32),
	[IFLA_KVXLAN_GROUP]		= OK(A_ADDR),
	[IFLA_KVXLAN_UDP_CSUM]		= RANGE(A_U8, 0, 1),
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX]	= RANGE(A_U8, 0, 1),
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX]	= RANGE(A_U8, 0, 1),
	[IFLA_KVXLAN_FLOWLABEL]		= RANGE(A_U32, 0, KVXLAN_FLOWLABEL_AUTO),
	[IFLA_KVXLAN_DAMPEN_MOVES]	= RANGE(A_U32, 0, KVXLAN_DAMPEN_MOVES_MAX),
	[IFLA_KVXLAN_DAMPEN_WINDOW]	= RANGE(A_U32, 1, KVXLAN_DAMPEN_WINDOW_MAX),
	[IFLA_KVXLAN_DAMPEN_HOLD]	= RANGE(A_U32, 1, KVXLAN_DAMPEN_HOLD_MAX),
	[IFLA_KVXLAN_PROXY]		= RANGE(A_U8, 0, 1),
};

static const struct space link_space = {
	"link", IFLA_KVXLAN_MAX, link_attrs, false,
};

static size_t kind_len(enum akind k)
{
	switch (k) {
	case A_U8:
		return 1;
	case A_U16:
		return 2;
	case A_U32:
	case A_IFINDEX:
	case A_RANGE:
		return 4;
	case A_U64:
		return 8;
	case A_MAC:
		return 6;
	default:
		return 0;
	}
}

/* What one generated attribute did: a certain policy error, or not. */
struct gen {
	bool bad;		/* the kernel must reject the request */
	bool dup;		/* an attribute appears twice */
	unsigned int addr_len;	/* of the last address generated */
	bool mcast;
};

static uint64_t gen_int(const struct aspec *a, size_t width, struct gen *g)
{
	uint64_t all = width == 8 ? UINT64_MAX : (1ULL << (width * 8)) - 1;
	uint64_t lo = a->ranged ? a->min : 0;
	uint64_t hi = a->ranged ? a->max : all;
	uint64_t v;

	switch (rnd(12)) {
	case 0:
		v = 0;
		break;
	case 1:
		v = 1;
		break;
	case 2:
		v = hi;
		break;
	case 3:
		v = hi + 1;
		break;
	case 4:
		v = all;
		break;
	case 5:
		v = lo ? lo - 1 : 0;
		break;
	case 6:
		v = lo;
		break;
	case 7:
		v = rnd64();
		break;
	default:
		v = hi - lo == UINT64_MAX ? rnd64() :
		    lo + rnd64() % (hi - lo + 1);
		break;
	}
	v &= all;
	if (a->ranged && (v < lo || v > hi))
		g->bad = true;
	return v;
}

static uint32_t gen_ifindex(void)
{
	unsigned int r = rnd(100);
	char name[IF_NAMESIZE];
	uint32_t i;

	if (r < 55 || !opt.ndevs)
		return opt.ndevs ? opt.dev[rnd(opt.ndevs)] : 1;
	if (r < 62)
		return opt.underlay ? opt.underlay : 1;
	if (r < 66)
		return 1;
	if (r < 72)
		return 0;
	if (r < 78)
		return UINT32_MAX;
	if (r < 88)
		return 1 + rnd(0x7fffffff);
	snprintf(name, sizeof(name), "fz%u", rnd(3));
	i = if_nametoindex(name);
	return i ? i : (uint32_t)opt.dev[0];
}

static const uint8_t mac_pool[][6] = {
	{ 0x02, 0, 0, 0xaa, 0, 1 }, { 0x02, 0, 0, 0xaa, 0, 2 },
	{ 0x02, 0, 0, 0xaa, 0, 3 }, { 0x02, 0, 0, 0xaa, 0, 4 },
	{ 0x02, 0, 0, 0xaa, 0, 5 }, { 0x02, 0, 0, 0xaa, 0, 6 },
	{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
	{ 0x00, 0, 0, 0, 0, 0 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 },
	{ 0x33, 0x33, 0, 0, 0, 1 },
};

static void gen_mac(uint8_t mac[6])
{
	if (chance(80)) {
		memcpy(mac, mac_pool[rnd(ARRAY_SIZE(mac_pool))], 6);
	} else {
		rnd_bytes(mac, 6);
		if (chance(70))
			mac[0] = (mac[0] & 0xfc) | 0x02;
	}
}

static const char * const addr_pool[] = {
	"10.0.0.2", "10.0.0.3", "10.0.0.1", "10.9.0.1", "10.9.0.2",
	"239.1.1.1", "239.1.1.2", "224.0.0.1", "0.0.0.0", "255.255.255.255",
	"127.0.0.1", "fd00::2", "fd00::3", "fd00::1", "ff0e::1:1", "ff0e::1:2",
	"::", "::1", "::ffff:10.0.0.2", "fe80::1", "ff02::1",
};

/* An address: 4 or 16 bytes mostly, else an odd length. Returns it. */
static size_t gen_addr(uint8_t *buf, struct gen *g)
{
	static const size_t odd[] = { 0, 1, 3, 5, 6, 8, 15, 17, 20, 32 };
	const char *s;
	size_t len;

	if (chance(8)) {
		len = odd[rnd(ARRAY_SIZE(odd))];
		rnd_bytes(buf, len);
	} else if (chance(85)) {
		s = addr_pool[rnd(ARRAY_SIZE(addr_pool))];
		if (strchr(s, ':')) {
			inet_pton(AF_INET6, s, buf);
			len = 16;
		} else {
			inet_pton(AF_INET, s, buf);
			len = 4;
		}
	} else {
		len = chance(60) ? 4 : 16;
		rnd_bytes(buf, len);
	}
	g->addr_len = len;
	g->mcast = (len == 4 && (buf[0] & 0xf0) == 0xe0) ||
		   (len == 16 && buf[0] == 0xff);
	return len;
}

static void gen_attr(struct msg *m, const struct space *sp, uint16_t type,
		     int depth, struct gen *g);

/* Random attributes of space sp, or of nothing when sp is NULL. */
static void gen_garbage_nest(struct msg *m, uint16_t type)
{
	uint8_t junk[64];
	size_t len = 1 + rnd(sizeof(junk));
	size_t off = nest_start(m, type | NLA_F_NESTED);
	uint16_t nla_len;

	rnd_bytes(junk, len);
	/* The first attribute header is certain to be invalid. */
	if (len >= 2) {
		nla_len = chance(50) ? rnd(4) : len + 1 + rnd(100);
		memcpy(junk, &nla_len, 2);
	}
	msg_put(m, junk, len);
	nest_end(m, off);
}

static void gen_deep_nest(struct msg *m, uint16_t type, unsigned int depth)
{
	size_t offs[64];
	unsigned int i;

	if (depth > ARRAY_SIZE(offs))
		depth = ARRAY_SIZE(offs);
	offs[0] = nest_start(m, type | NLA_F_NESTED);
	for (i = 1; i < depth; i++)
		offs[i] = nest_start(m, (1 + rnd(12)) | NLA_F_NESTED);
	if (chance(50)) {
		uint8_t junk[8];

		rnd_bytes(junk, sizeof(junk));
		attr_put(m, 1 + rnd(12), junk, rnd(sizeof(junk)));
	}
	while (i--)
		nest_end(m, offs[i]);
}

/* A nest of space sp: a few of its attributes, valid or not. */
static void gen_nest_body(struct msg *m, const struct space *sp, int depth,
			  struct gen *g, bool want_core)
{
	unsigned int n = rnd(4), i;

	/* The attributes a command needs, most of the time. */
	if (want_core && sp == &fdb_space) {
		if (chance(85))
			gen_attr(m, sp, KVXLAN_FDB_A_MAC, depth, g);
		if (chance(70))
			gen_attr(m, sp, KVXLAN_FDB_A_ADDR, depth, g);
	}
	if (want_core && sp == &remote_space && chance(90))
		gen_attr(m, sp, KVXLAN_REMOTE_A_ADDR, depth, g);
	for (i = 0; i < n; i++) {
		uint16_t t;

		if (chance(80))
			t = 1 + rnd(sp->max);
		else if (chance(50))
			t = sp->max + 1 + rnd(3);
		else
			t = chance(50) ? 0 : 0x7fff;
		gen_attr(m, sp, t, depth, g);
	}
}

static void gen_attr(struct msg *m, const struct space *sp, uint16_t type,
		     int depth, struct gen *g)
{
	static const size_t odd[] = { 0, 1, 2, 3, 5, 7, 8, 15, 16, 17, 64,
				      600, 4000 };
	const struct aspec *a = type && type <= sp->max ? &sp->a[type] : NULL;
	uint8_t buf[4096];
	size_t len, want;
	uint64_t v;

	if (!a || a->kind == A_NONE) {
		/* Unknown to the policy: strict parsing refuses it. */
		if (sp->strict)
			g->bad = true;
		if (chance(15) && depth < 3) {
			gen_deep_nest(m, type, 1 + rnd(4));
			return;
		}
		len = rnd(24);
		rnd_bytes(buf, len);
		attr_put(m, type | (chance(10) ? NLA_F_NESTED : 0), buf, len);
		return;
	}
	if (sp->strict && !a->ok)
		g->bad = true;

	if (a->kind == A_NEST) {
		size_t off;
		unsigned int r = rnd(100);

		if (r < 8) {
			gen_garbage_nest(m, type);
			if (sp->strict)
				g->bad = true;
			return;
		}
		if (r < 14) {
			gen_deep_nest(m, type, 2 + rnd(40));
			if (sp->strict)
				g->bad = true;
			return;
		}
		if (r < 19) {
			/* NLA_F_NESTED missing */
			off = nest_start(m, type);
			if (sp->strict)
				g->bad = true;
		} else {
			off = nest_start(m, type | NLA_F_NESTED);
		}
		if (r >= 19 && r < 24) {
			nest_end(m, off);	/* empty */
			return;
		}
		gen_nest_body(m, a->nest, depth + 1, g, true);
		nest_end(m, off);
		return;
	}

	want = kind_len(a->kind);
	/* A wrong length, or the nested flag on a leaf. */
	if (chance(8)) {
		len = odd[rnd(ARRAY_SIZE(odd))];
		if (a->kind == A_ADDR) {
			if (len > 16 || (sp == &link_space && len != 0 &&
					 len != 4 && len != 16))
				g->bad = true;
		} else if (len != want) {
			if (sp->strict || len < want)
				g->bad = true;
		}
		rnd_bytes(buf, len);
		attr_put(m, type, buf, len);
		return;
	}
	if (chance(3) && sp->strict) {
		g->bad = true;
		type |= NLA_F_NESTED;
	} else if (chance(3)) {
		type |= NLA_F_NET_BYTEORDER;
	}

	switch (a->kind) {
	case A_U8:
	case A_U16:
	case A_U32:
	case A_U64:
		v = gen_int(a, want, g);
		memcpy(buf, &v, want);	/* little endian: the low bytes */
		attr_put(m, type, buf, want);
		break;
	case A_IFINDEX:
		v = chance(85) ? gen_ifindex() : gen_int(a, 4, g);
		if (a->ranged && v < a->min)
			g->bad = true;
		attr_u32(m, type, v);
		break;
	case A_MAC:
		gen_mac(buf);
		attr_put(m, type, buf, 6);
		break;
	case A_ADDR:
		len = gen_addr(buf, g);
		if (len > 16 || (sp == &link_space && len != 0 && len != 4 &&
				 len != 16))
			g->bad = true;
		attr_put(m, type, buf, len);
		break;
	case A_RANGE: {
		static const uint16_t ports[] = { 0, 1, 2, 1024, 40000, 40100,
						  65534, 65535 };
		struct kvxlan_port_range r = {
			.low = ports[rnd(ARRAY_SIZE(ports))],
			.high = ports[rnd(ARRAY_SIZE(ports))],
		};

		if (!r.low || r.low > r.high)
			g->bad = true;
		attr_put(m, type, &r, sizeof(r));
		break;
	}
	default:
		break;
	}
}

/* ----- phase genl ----- */

static const struct cmd_info {
	const char *name;
	bool doit, dumpit, change, fdb, remote;
} cmds[KVXLAN_CMD_MAX + 1] = {
	[KVXLAN_CMD_DEV_GET]	   = { "DEV_GET", 1, 1, 0, 0, 0 },
	[KVXLAN_CMD_FDB_ADD]	   = { "FDB_ADD", 1, 0, 1, 1, 0 },
	[KVXLAN_CMD_FDB_REPLACE]   = { "FDB_REPLACE", 1, 0, 1, 1, 0 },
	[KVXLAN_CMD_FDB_DEL]	   = { "FDB_DEL", 1, 0, 1, 1, 0 },
	[KVXLAN_CMD_FDB_GET]	   = { "FDB_GET", 1, 1, 0, 1, 0 },
	[KVXLAN_CMD_FDB_FLUSH]	   = { "FDB_FLUSH", 1, 0, 1, 1, 0 },
	[KVXLAN_CMD_FLOOD_ADD]	   = { "FLOOD_ADD", 1, 0, 1, 0, 1 },
	[KVXLAN_CMD_FLOOD_DEL]	   = { "FLOOD_DEL", 1, 0, 1, 0, 1 },
	[KVXLAN_CMD_FLOOD_GET]	   = { "FLOOD_GET", 1, 1, 0, 0, 0 },
	[KVXLAN_CMD_FLOOD_REPLACE] = { "FLOOD_REPLACE", 1, 0, 1, 0, 1 },
	[KVXLAN_CMD_REMOTE_GET]	   = { "REMOTE_GET", 0, 1, 0, 0, 0 },
	[KVXLAN_CMD_FDB_NTF]	   = { "FDB_NTF", 0, 0, 0, 1, 0 },
	[KVXLAN_CMD_GROUP_ADD]	   = { "GROUP_ADD", 1, 0, 1, 0, 1 },
	[KVXLAN_CMD_GROUP_DEL]	   = { "GROUP_DEL", 1, 0, 1, 0, 1 },
	[KVXLAN_CMD_GROUP_GET]	   = { "GROUP_GET", 1, 1, 0, 0, 0 },
	[KVXLAN_CMD_FDB_APPEND]	   = { "FDB_APPEND", 1, 0, 1, 1, 0 },
};

static const uint16_t flag_soup[] = {
	NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_APPEND, NLM_F_ECHO,
	NLM_F_ATOMIC, NLM_F_ROOT, NLM_F_MATCH, NLM_F_MULTI, 0x8000,
};

/* Many REMOTE nests: FLOOD_REPLACE at and beyond KVXLAN_FLOOD_MAX. */
static void gen_many_remotes(struct msg *m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		size_t off = nest_start(m, KVXLAN_A_REMOTE | NLA_F_NESTED);
		uint8_t ip[4] = { 10, 78, i >> 8, i };

		attr_put(m, KVXLAN_REMOTE_A_ADDR, ip, 4);
		nest_end(m, off);
	}
}

/* Builds genl case n; fills ex. */
static void gen_genl(struct msg *m, struct expect *ex, char *what,
		     size_t what_size)
{
	struct genlmsghdr hdr = { .version = KVXLAN_GENL_VERSION };
	const struct cmd_info *ci;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct gen g = {};
	bool dump, known, truncated = false;
	unsigned int i, n;
	uint8_t cmd;

	if (chance(92))
		cmd = 1 + rnd(KVXLAN_CMD_MAX);
	else
		cmd = chance(30) ? 0 : KVXLAN_CMD_MAX + 1 + rnd(240);
	ci = cmd <= KVXLAN_CMD_MAX ? &cmds[cmd] : NULL;
	known = ci && ci->name;
	if (known && ci->dumpit && (!ci->doit || chance(40)))
		flags |= NLM_F_DUMP;
	else if (chance(6))
		flags |= NLM_F_DUMP;
	if (chance(8))
		flags |= flag_soup[rnd(ARRAY_SIZE(flag_soup))];
	dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;

	hdr.cmd = cmd;
	if (chance(5))
		hdr.version = chance(50) ? 0 : 2 + rnd(254);
	if (chance(3))
		hdr.reserved = rnd64();
	msg_start(m, opt.family, flags);
	msg_put(m, &hdr, sizeof(hdr));
	if (chance(3)) {
		/* a genlmsghdr cut short */
		m->len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		truncated = true;
		goto out;
	}

	if (chance(90))
		gen_attr(m, &genl_space, KVXLAN_A_IFINDEX, 0, &g);
	if (known && ci->fdb ? chance(90) : chance(8))
		gen_attr(m, &genl_space, KVXLAN_A_FDB, 0, &g);
	if (known && ci->remote ? chance(92) : chance(8)) {
		n = cmd == KVXLAN_CMD_FLOOD_REPLACE ? rnd(5) : 1;
		for (i = 0; i < n; i++)
			gen_attr(m, &genl_space, KVXLAN_A_REMOTE, 0, &g);
	}
	if (cmd == KVXLAN_CMD_FLOOD_REPLACE && chance(2))
		gen_many_remotes(m, chance(50) ? KVXLAN_FLOOD_MAX + 1 :
				 200 + rnd(800));
	/* Extra attributes: any type, unknown ones, duplicates. */
	if (chance(30)) {
		n = 1 + rnd(3);
		for (i = 0; i < n; i++) {
			uint16_t t;

			if (chance(70))
				t = rnd(KVXLAN_A_MAX + 1);
			else if (chance(50))
				t = KVXLAN_A_MAX + 1;
			else
				t = chance(50) ? 0x7fff : rnd(0x8000);
			if (t == KVXLAN_A_IFINDEX || t == KVXLAN_A_FDB ||
			    t == KVXLAN_A_REMOTE)
				g.dup = true;
			gen_attr(m, &genl_space, t, 0, &g);
		}
	}
	/* The message's end: an nla_len past it, or trailing bytes. */
	if (chance(4)) {
		struct nlattr nla = {
			.nla_len = NLA_HDRLEN + 8 + rnd(200),
			.nla_type = 1 + rnd(KVXLAN_A_MAX),
		};
		uint8_t junk[8];

		msg_put(m, &nla, sizeof(nla));
		rnd_bytes(junk, sizeof(junk));
		msg_put(m, junk, sizeof(junk));
		g.bad = true;
	} else if (chance(3)) {
		/* 1..3 bytes: too short for an attribute header */
		uint8_t junk[3];
		size_t len = 1 + rnd(3);

		rnd_bytes(junk, len);
		msg_put(m, junk, len);
		m->len -= NLMSG_ALIGN(len) - len;
		g.bad = true;
	}
out:
	memset(ex, 0, sizeof(*ex));
	ex->bare_counts = true;
	if (truncated) {
		ex->want = EINVAL;
		ex->core_bare = true;
	} else if (hdr.reserved ||
		   (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO |
			      NLM_F_DUMP)) ||
		   (flags & NLM_F_DUMP && !dump)) {
		/*
		 * resv_start_op 0: every command, known or not, has a
		 * strict genlmsghdr
		 */
		ex->want = EINVAL;
	} else if (!known || (dump && !ci->dumpit) || (!dump && !ci->doit)) {
		ex->want = EOPNOTSUPP;
		ex->core_bare = true;
		/* 6.1 checks the permission before the kind of request */
		if (opt.unpriv && known && ci->change)
			ex->want2 = EPERM;
	} else if (opt.unpriv && ci->change) {
		ex->want = EPERM;
		ex->core_bare = true;
	} else {
		ex->must_fail = g.bad;
	}
	if (known)
		snprintf(what, what_size, "%s flags 0x%x%s%s", ci->name,
			 flags, truncated ? " (short header)" : "",
			 ex->must_fail ? " (policy must refuse)" : "");
	else
		snprintf(what, what_size, "cmd %u flags 0x%x", cmd, flags);
	ex->what = what;
}

/* A request without NLM_F_ACK gets an answer only if it fails: ask. */
static bool genl_case(struct nlsock *g, struct msg *m, unsigned long n)
{
	struct genl_reply r = {};
	struct nlmsghdr *nlh;
	struct expect ex;
	struct answer a;
	char what[160];

	rng_case(S_GENL, n);
	gen_genl(m, &ex, what, sizeof(what));
	nlh = (struct nlmsghdr *)m->b;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (m->len >= NLMSG_HDRLEN + GENL_HDRLEN)
		r.cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	nls_talk(g, m, genl_reply_ok, &r, &a);
	account(m, &ex, &a);
	return a.hang;
}

static void reopen_after_hang(struct nlsock *s)
{
	int proto = s->proto;

	nls_close(s);
	if (nls_open(s, proto))
		die("cannot reopen a netlink socket");
}

static void phase_genl(struct nlsock *g, struct msg *m)
{
	unsigned long n;

	cur = S_GENL;
	for (n = 0; n < opt.iterations; n++) {
		if (!progress(n, opt.iterations))
			break;
		if (opt.only >= 0 && (long)n != opt.only)
			continue;
		cur_case = n;
		if (genl_case(g, m, n))
			reopen_after_hang(g);
		if (n % HEALTH_EVERY == HEALTH_EVERY - 1)
			health(g, m);
	}
	cur_case = -1;
	health(g, m);
}

/* ----- phase link ----- */

static void link_name(char *name, size_t size)
{
	unsigned int r = rnd(100);

	if (r < 92)
		snprintf(name, size, "fz%u", rnd(3));
	else if (r < 96)
		snprintf(name, size, "%s", "");
	else
		snprintf(name, size, "%s", "fzzzzzzzzzzzzzzzzzzzzz");
}

static void gen_link(struct msg *m, struct expect *ex, char *what,
		     size_t what_size)
{
	static const uint32_t vnis[] = { 5000, 5001, 6000, 6001, 6002, 0,
					 KVXLAN_VNI_MAX, KVXLAN_VNI_MAX + 1,
					 UINT32_MAX };
	static const uint32_t mtus[] = { 0, 67, 68, 1280, 1430, 1450, 1451,
					 1500, 9000, 65535, UINT32_MAX };
	struct ifinfomsg ifm = {};
	uint16_t type, flags = NLM_F_REQUEST | NLM_F_ACK;
	char name[32];
	struct gen g = {};
	bool kvx_kind = false, data = false;
	unsigned int r = rnd(100), t;
	size_t li, di;

	if (r < 70) {
		type = RTM_NEWLINK;
		r = rnd(100);
		if (r < 60)
			flags |= NLM_F_CREATE | NLM_F_EXCL;
		else if (r < 80)
			flags |= NLM_F_CREATE;
	} else if (r < 92) {
		type = RTM_SETLINK;
	} else if (r < 95) {
		type = RTM_DELLINK;
	} else {
		type = RTM_GETLINK;
	}
	if (chance(5))
		ifm.ifi_index = 100000 + rnd(1000000);
	if (chance(10)) {
		ifm.ifi_flags = IFF_UP;
		ifm.ifi_change = IFF_UP;
	}
	msg_start(m, type, flags);
	if (chance(3)) {
		msg_put(m, &ifm, rnd(sizeof(ifm)));
		goto out;
	}
	msg_put(m, &ifm, sizeof(ifm));
	link_name(name, sizeof(name));
	if (chance(97))
		attr_str(m, IFLA_IFNAME, name);
	if (chance(8))
		attr_u32(m, IFLA_MTU, mtus[rnd(ARRAY_SIZE(mtus))]);
	if (chance(4)) {
		uint8_t mac[8];
		size_t len = chance(70) ? 6 : rnd(8);

		gen_mac(mac);
		attr_put(m, IFLA_ADDRESS, mac, len);
	}
	if (chance(5))
		goto out;
	li = nest_start(m, IFLA_LINKINFO | (chance(90) ? NLA_F_NESTED : 0));
	r = rnd(100);
	if (r < 92) {
		attr_str(m, IFLA_INFO_KIND, KVXLAN_KIND);
		kvx_kind = true;
	} else if (r < 95) {
		/* never another kind: each would run modprobe */
		attr_str(m, IFLA_INFO_KIND, "");
	} else if (r < 97) {
		attr_put(m, IFLA_INFO_KIND, "kvxlan", 6);	/* no NUL */
	}
	if (chance(90)) {
		data = true;
		di = nest_start(m, IFLA_INFO_DATA |
				(chance(90) ? NLA_F_NESTED : 0));
		if (chance(85)) {
			uint32_t vni = vnis[rnd(ARRAY_SIZE(vnis))];

			if (chance(60))
				vni = 6000 + rnd(8);
			if (chance(5)) {
				attr_put(m, IFLA_KVXLAN_VNI, &vni, rnd(4));
				g.bad = true;
			} else {
				attr_u32(m, IFLA_KVXLAN_VNI, vni);
				if (vni > KVXLAN_VNI_MAX)
					g.bad = true;
			}
		}
		for (t = 2; t <= IFLA_KVXLAN_MAX; t++)
			if (chance(12))
				gen_attr(m, &link_space, t, 1, &g);
		if (chance(10)) {
			t = chance(50) ? IFLA_KVXLAN_MAX + 1 + rnd(3) :
			    0x7fff;
			gen_attr(m, &link_space, t, 1, &g);
		}
		if (chance(3)) {
			gen_garbage_nest(m, 1 + rnd(IFLA_KVXLAN_MAX));
			g.dup = true;	/* no claim: liberal parsing */
		}
		nest_end(m, di);
	}
	if (chance(3))
		gen_garbage_nest(m, IFLA_INFO_SLAVE_DATA);
	nest_end(m, li);
out:
	memset(ex, 0, sizeof(*ex));
	if (opt.unpriv && type != RTM_GETLINK &&
	    m->len > NLMSG_HDRLEN) {
		ex->want = EPERM;
		ex->core_bare = true;
	} else {
		ex->must_fail = type == RTM_NEWLINK && kvx_kind && data &&
				g.bad && !g.dup && m->len >= NLMSG_HDRLEN + sizeof(ifm);
	}
	snprintf(what, what_size, "%s \"%s\" flags 0x%x%s",
		 type == RTM_NEWLINK ? "RTM_NEWLINK" :
		 type == RTM_SETLINK ? "RTM_SETLINK" :
		 type == RTM_DELLINK ? "RTM_DELLINK" : "RTM_GETLINK",
		 name, flags, ex->must_fail ? " (must fail)" : "");
	ex->what = what;
}

static void link_cleanup(struct nlsock *rt, struct msg *m)
{
	struct ifinfomsg ifm = {};
	struct answer a;
	char name[IF_NAMESIZE];
	unsigned int i;

	/* fz0..fz2, and kvxlan%d: created with an empty name */
	for (i = 0; i < 3 + 64; i++) {
		if (i < 3)
			snprintf(name, sizeof(name), "fz%u", i);
		else
			snprintf(name, sizeof(name), "kvxlan%u", i - 3);
		if (!if_nametoindex(name))
			continue;
		msg_start(m, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
		msg_put(m, &ifm, sizeof(ifm));
		attr_str(m, IFLA_IFNAME, name);
		nls_talk(rt, m, NULL, NULL, &a);
		if (a.secs > 1.0)
			note("SLOW: deleting %s took %.1f s", name, a.secs);
		if (a.hang || (a.err && a.err != -ENODEV))
			unexpected("deleting %s: %s", name,
				   a.hang ? "no answer" : errname(a.err));
	}
}

static void phase_link(struct nlsock *rt, struct nlsock *g, struct msg *m)
{
	unsigned long n, iters = opt.iterations / 4;
	struct genl_reply r = {};
	struct expect ex;
	struct answer a;
	char what[160];

	cur = S_LINK;
	for (n = 0; n < iters; n++) {
		if (!progress(n, iters))
			break;
		if (opt.only >= 0 && (long)n != opt.only)
			continue;
		cur_case = n;
		rng_case(S_LINK, n);
		gen_link(m, &ex, what, sizeof(what));
		nls_talk(rt, m, rtnl_reply_ok, &r, &a);
		account(m, &ex, &a);
		if (a.hang)
			reopen_after_hang(rt);
		if (n % HEALTH_EVERY == HEALTH_EVERY - 1) {
			health(g, m);
			if (chance(25))
				link_cleanup(rt, m);
		}
	}
	cur_case = -1;
	link_cleanup(rt, m);
	health(g, m);
}

/* ----- phase neigh: "bridge fdb" ----- */

static void gen_neigh(struct msg *m, struct expect *ex, char *what,
		      size_t what_size)
{
	static const uint16_t states[] = { NUD_PERMANENT, NUD_REACHABLE,
					   NUD_NOARP, NUD_PERMANENT | NUD_NOARP,
					   0, NUD_STALE, 0xffff };
	static const uint8_t nflags[] = { NTF_SELF, NTF_SELF, NTF_SELF, 0,
					  NTF_MASTER, NTF_USE | NTF_SELF,
					  NTF_EXT_LEARNED | NTF_SELF, 0xff };
	struct ndmsg ndm = { .ndm_family = AF_BRIDGE };
	uint16_t type, flags = NLM_F_REQUEST | NLM_F_ACK;
	struct gen g = {};
	uint8_t buf[32];
	unsigned int r = rnd(100), i;
	bool full = false, kvx_dev = false;
	uint32_t v;

	if (r < 55) {
		type = RTM_NEWNEIGH;
		flags |= NLM_F_CREATE;
		r = rnd(100);
		if (r < 30)
			flags |= NLM_F_EXCL;
		else if (r < 50)
			flags |= NLM_F_REPLACE;
		else if (r < 65)
			flags |= NLM_F_APPEND;
	} else if (r < 95) {
		type = RTM_DELNEIGH;
	} else {
		type = RTM_GETNEIGH;
	}
	if (chance(4))
		ndm.ndm_family = rnd(50);
	ndm.ndm_ifindex = gen_ifindex();
	ndm.ndm_state = states[rnd(ARRAY_SIZE(states))];
	ndm.ndm_flags = nflags[rnd(ARRAY_SIZE(nflags))];
	msg_start(m, type, flags);
	if (chance(3)) {
		msg_put(m, &ndm, rnd(sizeof(ndm)));
		goto out;
	}
	msg_put(m, &ndm, sizeof(ndm));
	full = true;
	if (chance(92)) {
		gen_mac(buf);
		attr_put(m, NDA_LLADDR, buf, chance(95) ? 6 : rnd(9));
	}
	if (chance(75))
		attr_put(m, NDA_DST, buf, gen_addr(buf, &g));
	if (chance(20)) {
		static const uint16_t ports[] = { 0, 1, 4789, 65535 };
		uint16_t p = htons(ports[rnd(ARRAY_SIZE(ports))]);

		attr_put(m, NDA_PORT, &p, chance(90) ? 2 : rnd(5));
	}
	if (chance(20)) {
		v = chance(70) ? rnd(KVXLAN_VNI_MAX + 2) : UINT32_MAX;
		attr_put(m, NDA_VNI, &v, chance(90) ? 4 : rnd(9));
	}
	if (chance(5))
		attr_u32(m, NDA_IFINDEX, gen_ifindex());
	if (chance(4))
		attr_u32(m, NDA_SRC_VNI, rnd(100));
	if (chance(3))
		attr_u32(m, NDA_NH_ID, 1 + rnd(10));
	if (chance(5)) {
		uint16_t vid = chance(50) ? 1 + rnd(4094) : rnd(0x10000);

		attr_put(m, NDA_VLAN, &vid, 2);
	}
	if (chance(5)) {
		rnd_bytes(buf, 8);
		attr_put(m, chance(50) ? NDA_MAX + 1 + rnd(10) : 0x7fff, buf,
			 rnd(9));
	}
out:
	memset(ex, 0, sizeof(*ex));
	for (i = 0; i < opt.ndevs; i++)
		if (ndm.ndm_ifindex == opt.dev[i])
			kvx_dev = true;
	if (opt.unpriv && type != RTM_GETNEIGH && m->len > NLMSG_HDRLEN) {
		ex->want = EPERM;
		ex->core_bare = true;
	} else {
		/* What reaches kvxlan's ndo_fdb_add/del must explain errors. */
		ex->bare_counts = type != RTM_GETNEIGH && full && kvx_dev &&
				  ndm.ndm_family == AF_BRIDGE &&
				  (ndm.ndm_flags & NTF_SELF);
	}
	snprintf(what, what_size, "%s ifindex %d state 0x%x flags 0x%x/0x%x",
		 type == RTM_NEWNEIGH ? "RTM_NEWNEIGH" :
		 type == RTM_DELNEIGH ? "RTM_DELNEIGH" : "RTM_GETNEIGH",
		 ndm.ndm_ifindex, ndm.ndm_state, ndm.ndm_flags, flags);
	ex->what = what;
}

static void phase_neigh(struct nlsock *rt, struct nlsock *g, struct msg *m)
{
	unsigned long n, iters = opt.iterations / 2;
	struct expect ex;
	struct answer a;
	char what[160];

	cur = S_NEIGH;
	for (n = 0; n < iters; n++) {
		if (!progress(n, iters))
			break;
		if (opt.only >= 0 && (long)n != opt.only)
			continue;
		cur_case = n;
		rng_case(S_NEIGH, n);
		gen_neigh(m, &ex, what, sizeof(what));
		nls_talk(rt, m, rtnl_reply_ok, NULL, &a);
		account(m, &ex, &a);
		if (a.hang)
			reopen_after_hang(rt);
		if (n % HEALTH_EVERY == HEALTH_EVERY - 1)
			health(g, m);
	}
	cur_case = -1;
	health(g, m);
}

/* ----- phase dump ----- */

#define DUMP_DEV	"fzdump"

static int link_simple(struct nlsock *rt, struct msg *m, uint16_t type,
		       uint16_t flags, const char *name, uint32_t vni)
{
	struct ifinfomsg ifm = {};
	struct answer a;
	size_t li, di;

	msg_start(m, type, NLM_F_REQUEST | NLM_F_ACK | flags);
	msg_put(m, &ifm, sizeof(ifm));
	attr_str(m, IFLA_IFNAME, name);
	if (type == RTM_NEWLINK) {
		li = nest_start(m, IFLA_LINKINFO | NLA_F_NESTED);
		attr_str(m, IFLA_INFO_KIND, KVXLAN_KIND);
		di = nest_start(m, IFLA_INFO_DATA | NLA_F_NESTED);
		attr_u32(m, IFLA_KVXLAN_VNI, vni);
		nest_end(m, di);
		nest_end(m, li);
	}
	if (!nls_talk(rt, m, rtnl_reply_ok, NULL, &a)) {
		st[cur].hangs++;
		note("HANG: %s %s", type == RTM_NEWLINK ? "creating" :
		     type == RTM_DELLINK ? "deleting" : "getting", name);
		return -ETIMEDOUT;
	}
	if (a.malformed) {
		st[cur].malformed++;
		note("MALFORMED answer for %s: %s", name, a.why);
	}
	return a.err;
}

static void dump_mac(unsigned int i, uint8_t mac[6])
{
	mac[0] = DUMP_PREFIX;
	mac[1] = 0;
	mac[2] = 0;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

static void fdb_msg(struct msg *m, uint8_t cmd, int ifindex, unsigned int i,
		    bool with_addr)
{
	uint8_t mac[6], ip[4] = { 10, 77, 0, 1 + i % DUMP_REMOTES };
	size_t off;

	genl_start(m, cmd, NLM_F_ACK);
	attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
	off = nest_start(m, KVXLAN_A_FDB | NLA_F_NESTED);
	dump_mac(i, mac);
	attr_put(m, KVXLAN_FDB_A_MAC, mac, 6);
	if (with_addr)
		attr_put(m, KVXLAN_FDB_A_ADDR, ip, 4);
	nest_end(m, off);
}

/*
 * FDB_ADD (or FDB_DEL) of the entries i = first, first + step, ... < end,
 * pipelined: many requests per datagram, then their ACKs. Returns the
 * number that failed; a hang counts in st[cur].
 */
static unsigned long fdb_bulk(struct nlsock *g, struct msg *m, uint8_t cmd,
			      int ifindex, unsigned int first,
			      unsigned int step, unsigned int end)
{
	static uint8_t batch[64 * 1024];
	unsigned long failed = 0;
	unsigned int i = first;

	while (i < end) {
		size_t blen = 0;
		unsigned int sent = 0, acked = 0;
		uint32_t seq0 = g->seq + 1;

		while (i < end && blen + 128 < sizeof(batch) && sent < 256) {
			struct nlmsghdr *nlh;

			fdb_msg(m, cmd, ifindex, i, cmd != KVXLAN_CMD_FDB_DEL);
			nlh = (struct nlmsghdr *)m->b;
			nlh->nlmsg_len = m->len;
			nlh->nlmsg_seq = ++g->seq;
			memcpy(batch + blen, m->b, m->len);
			blen += m->len;
			sent++;
			i += step;
		}
		if (send(g->fd, batch, blen, 0) < 0)
			die("send: %s", strerror(errno));
		while (acked < sent) {
			ssize_t n = nls_recv(g, opt.timeout_ms);
			struct nlmsghdr *nlh;
			size_t len;

			if (n == 0) {
				st[cur].hangs++;
				note("HANG: %u of %u FDB requests unanswered",
				     sent - acked, sent);
				return failed + sent - acked;
			}
			if (n < 0)
				die("recv: %s", strerror(-n));
			len = n;
			for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len);
			     nlh = NLMSG_NEXT(nlh, len)) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_type != NLMSG_ERROR ||
				    nlh->nlmsg_seq - seq0 >= sent)
					continue;
				acked++;
				if (e->error) {
					if (!failed)
						note("%s failed: %s",
						     cmd == KVXLAN_CMD_FDB_DEL ?
						     "FDB_DEL" : "FDB_ADD",
						     errname(e->error));
					failed++;
				}
			}
		}
	}
	return failed;
}

struct dump_result {
	struct answer a;
	struct genl_reply r;
};

/* A whole dump of the device's FDB, genl or bridge, counted. */
static void dump_full(struct nlsock *s, struct msg *m, bool bridge,
		      int ifindex, uint8_t *seen, struct dump_result *d)
{
	memset(d, 0, sizeof(*d));
	memset(seen, 0, opt.entries);
	d->r.seen = seen;
	if (bridge) {
		struct ndmsg ndm = { .ndm_family = AF_BRIDGE };

		d->r.ifindex = ifindex;
		msg_start(m, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
		msg_put(m, &ndm, sizeof(ndm));
		nls_talk(s, m, rtnl_reply_ok, &d->r, &d->a);
	} else {
		d->r.cmd = KVXLAN_CMD_FDB_GET;
		genl_start(m, KVXLAN_CMD_FDB_GET, NLM_F_DUMP);
		attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
		nls_talk(s, m, genl_reply_ok, &d->r, &d->a);
	}
	st[cur].cases++;
	if (d->a.hang) {
		st[cur].hangs++;
		note("HANG: %s dump", bridge ? "bridge" : "genl");
	} else if (d->a.malformed) {
		st[cur].malformed++;
		note("MALFORMED %s dump: %s", bridge ? "bridge" : "genl",
		     d->a.why);
	} else if (d->a.err) {
		st[cur].errors++;
		st[cur].by_errno[-d->a.err]++;
	} else {
		st[cur].ok++;
	}
}

/* Starts a dump and reads at most k datagrams of it, then closes. */
static void dump_abandon(struct msg *m, int ifindex, unsigned int kind,
			 int k)
{
	struct genl_reply r = {};
	struct nlsock s;
	struct answer a = {};
	uint32_t seq;

	if (nls_open(&s, kind == 3 ? NETLINK_ROUTE : NETLINK_GENERIC))
		die("socket: %s", strerror(errno));
	if (chance(30)) {
		int size = 4096;

		setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	switch (kind) {
	case 0: {
		size_t off;
		uint8_t ip[4] = { 10, 77, 0, 1 + rnd(DUMP_REMOTES) };
		uint8_t k8 = KVXLAN_FDB_KIND_STATIC;

		r.cmd = KVXLAN_CMD_FDB_GET;
		genl_start(m, KVXLAN_CMD_FDB_GET, NLM_F_DUMP | NLM_F_ACK);
		attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
		if (chance(40)) {
			off = nest_start(m, KVXLAN_A_FDB | NLA_F_NESTED);
			if (chance(50))
				attr_put(m, KVXLAN_FDB_A_ADDR, ip, 4);
			else
				attr_put(m, KVXLAN_FDB_A_KIND, &k8, 1);
			nest_end(m, off);
		}
		break;
	}
	case 1:
		r.cmd = KVXLAN_CMD_REMOTE_GET;
		genl_start(m, KVXLAN_CMD_REMOTE_GET, NLM_F_DUMP | NLM_F_ACK);
		attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
		break;
	case 2:
		r.cmd = KVXLAN_CMD_DEV_GET;
		genl_start(m, KVXLAN_CMD_DEV_GET, NLM_F_DUMP | NLM_F_ACK);
		break;
	default: {
		struct ndmsg ndm = { .ndm_family = AF_BRIDGE };

		msg_start(m, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
		msg_put(m, &ndm, sizeof(ndm));
		break;
	}
	}
	seq = nls_send(&s, m, &a);
	if (!a.send_err && k > 0)
		nls_answer(&s, seq, kind == 3 ? rtnl_reply_ok : genl_reply_ok,
			   kind == 3 ? NULL : &r, &a, k);
	st[cur].cases++;
	if (a.hang) {
		st[cur].hangs++;
		note("HANG: abandoned dump %u: no first part", kind);
	} else if (a.malformed) {
		st[cur].malformed++;
		note("MALFORMED part of an abandoned dump %u: %s", kind,
		     a.why);
	}
	nls_close(&s);
}

/* The child of the concurrent part: delete, flush, re-add until told. */
static int churn(int ifindex, int stop_fd)
{
	struct msg m = { .b = malloc(MSG_CAP) };
	struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
	unsigned int round = 0;
	struct answer a;
	struct nlsock g;
	int bad = 0;

	if (!m.b || nls_open(&g, NETLINK_GENERIC))
		return 1;
	while (poll(&pfd, 1, 0) == 0) {
		unsigned int r = round++ % DUMP_REMOTES;
		uint8_t ip[4] = { 10, 77, 0, 1 + r };
		size_t off;

		/* Flush one remote's entries, put them back. */
		genl_start(&m, KVXLAN_CMD_FDB_FLUSH, NLM_F_ACK);
		attr_u32(&m, KVXLAN_A_IFINDEX, ifindex);
		off = nest_start(&m, KVXLAN_A_FDB | NLA_F_NESTED);
		attr_put(&m, KVXLAN_FDB_A_ADDR, ip, 4);
		nest_end(&m, off);
		if (!nls_talk(&g, &m, NULL, NULL, &a) || a.err)
			bad = 1;
		if (fdb_bulk(&g, &m, KVXLAN_CMD_FDB_ADD, ifindex, r,
			     DUMP_REMOTES, opt.entries))
			bad = 1;
		/* Delete a stretch, put it back. */
		r = rnd(opt.entries);
		if (fdb_bulk(&g, &m, KVXLAN_CMD_FDB_DEL, ifindex, r, 1,
			     r + 64 < opt.entries ? r + 64 : opt.entries) ||
		    fdb_bulk(&g, &m, KVXLAN_CMD_FDB_ADD, ifindex, r, 1,
			     r + 64 < opt.entries ? r + 64 : opt.entries))
			bad = 1;
	}
	nls_close(&g);
	free(m.b);
	return bad;
}

static bool child_wait(pid_t pid, int *status)
{
	int waited;

	for (waited = 0; waited < 4 * opt.timeout_ms; waited += 10) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * exact: the table is quiet and must be listed whole, each entry once.
 * Otherwise, entries listed twice are allowed only in a dump flagged
 * NLM_F_DUMP_INTR; bridge dumps (ndo_fdb_dump) have no such flag, and
 * resume by position, so a change between parts may repeat or skip
 * entries there.
 */
static void dump_check(const struct dump_result *d, const char *what,
		       bool exact, bool bridge)
{
	if (d->a.hang || d->a.malformed)
		return;
	if (d->a.err) {
		unexpected("%s dump: %s %s", what, errname(d->a.err),
			   d->a.msg);
		return;
	}
	if (d->r.dups && !d->a.intr && !bridge)
		unexpected("%s dump: %lu entries listed twice, no NLM_F_DUMP_INTR",
			   what, d->r.dups);
	if (exact && !d->a.intr &&
	    (d->r.entries != opt.entries || d->r.dups))
		unexpected("%s dump: %lu entries (%lu twice), expected %u",
			   what, d->r.entries, d->r.dups, opt.entries);
}

static void phase_dump(struct nlsock *rt, struct nlsock *g, struct msg *m)
{
	struct dump_result d;
	struct nlsock s1, s2;
	struct answer a1 = {}, a2 = {};
	struct genl_reply r1 = { .cmd = KVXLAN_CMD_FDB_GET };
	uint8_t *seen = calloc(opt.entries, 1);
	uint32_t seq1, seq2;
	unsigned long failed;
	int ifindex, err, pfd[2], status, tries;
	unsigned int i;
	pid_t pid;

	cur = S_DUMP;
	rng_case(S_DUMP, 0);
	if (!seen)
		die("out of memory");
	link_simple(rt, m, RTM_DELLINK, 0, DUMP_DEV, 0);
	err = link_simple(rt, m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			  DUMP_DEV, 7777);
	ifindex = if_nametoindex(DUMP_DEV);
	if (err || !ifindex) {
		unexpected("creating %s: %s", DUMP_DEV, errname(err));
		return;
	}

	failed = fdb_bulk(g, m, KVXLAN_CMD_FDB_ADD, ifindex, 0, 1,
			  opt.entries);
	note("%s: %u FDB entries added, %lu failed, %.1f s", DUMP_DEV,
	     opt.entries, failed, elapsed());
	if (failed)
		unexpected("%lu FDB_ADD of %u failed", failed, opt.entries);

	/* Whole dumps, quiet table: every entry exactly once. */
	for (tries = 0; tries < 5; tries++) {
		dump_full(g, m, false, ifindex, seen, &d);
		if (!d.a.intr)
			break;
	}
	dump_check(&d, "genl FDB_GET", true, false);
	note("genl dump: %lu entries, %lu twice, %u parts flagged interrupted",
	     d.r.entries, d.r.dups, d.a.intr);
	for (tries = 0; tries < 3; tries++) {
		dump_full(rt, m, true, ifindex, seen, &d);
		if (d.r.entries == opt.entries && !d.r.dups)
			break;
	}
	note("bridge dump: %lu entries, %lu twice", d.r.entries, d.r.dups);
	dump_check(&d, "bridge RTM_GETNEIGH", true, true);

	/* Dumps abandoned midway. */
	for (i = 0; i < opt.rounds; i++) {
		dump_abandon(m, ifindex, rnd(4), rnd(4));
		if (i % 16 == 15)
			health(g, m);
	}
	note("%u dumps abandoned midway, %.1f s", opt.rounds, elapsed());

	/* Dumps while another process deletes, flushes and re-adds. */
	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[1]);
		rng_case(S_DUMP, 1);
		_exit(churn(ifindex, pfd[0]));
	}
	close(pfd[0]);
	for (i = 0; i < 8; i++) {
		dump_full(i % 2 ? rt : g, m, i % 2, ifindex, seen, &d);
		dump_check(&d, i % 2 ? "bridge (churn)" : "genl (churn)",
			   false, i % 2);
		if (i % 4 == 3)
			dump_abandon(m, ifindex, rnd(4), 1 + rnd(2));
	}
	close(pfd[1]);
	if (!child_wait(pid, &status)) {
		st[cur].hangs++;
		note("HANG: the churning process did not stop");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		unexpected("the churning process failed (status 0x%x)",
			   status);
	}
	note("8 dumps during deletes, flushes and re-adds, %.1f s", elapsed());

	/* Quiet again: the table is whole. */
	for (tries = 0; tries < 5; tries++) {
		dump_full(g, m, false, ifindex, seen, &d);
		if (!d.a.intr)
			break;
	}
	dump_check(&d, "genl FDB_GET after churn", true, false);

	/* The device deleted while two dumps of it are half read. */
	if (nls_open(&s1, NETLINK_GENERIC) || nls_open(&s2, NETLINK_ROUTE))
		die("socket: %s", strerror(errno));
	genl_start(m, KVXLAN_CMD_FDB_GET, NLM_F_DUMP);
	attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
	seq1 = nls_send(&s1, m, &a1);
	{
		struct ndmsg ndm = { .ndm_family = AF_BRIDGE };

		msg_start(m, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
		msg_put(m, &ndm, sizeof(ndm));
	}
	seq2 = nls_send(&s2, m, &a2);
	nls_answer(&s1, seq1, genl_reply_ok, &r1, &a1, 1);
	nls_answer(&s2, seq2, rtnl_reply_ok, NULL, &a2, 1);
	err = link_simple(rt, m, RTM_DELLINK, 0, DUMP_DEV, 0);
	if (err)
		unexpected("deleting %s mid-dump: %s", DUMP_DEV, errname(err));
	nls_answer(&s1, seq1, genl_reply_ok, &r1, &a1, -1);
	nls_answer(&s2, seq2, rtnl_reply_ok, NULL, &a2, -1);
	st[cur].cases += 2;
	if (a1.hang || a2.hang) {
		st[cur].hangs++;
		note("HANG: a dump did not end after its device was deleted");
	}
	if (a1.malformed || a2.malformed) {
		st[cur].malformed++;
		note("MALFORMED: dump across a deletion: %s%s", a1.why, a2.why);
	}
	note("dumps across the deletion ended: genl %s (%u replies), bridge %s (%u replies)",
	     errname(a1.err), a1.replies, errname(a2.err), a2.replies);
	nls_close(&s1);
	nls_close(&s2);

	/* Gone, for rtnetlink and the family. */
	if (if_nametoindex(DUMP_DEV))
		unexpected("%s still exists", DUMP_DEV);
	genl_start(m, KVXLAN_CMD_DEV_GET, NLM_F_ACK);
	attr_u32(m, KVXLAN_A_IFINDEX, ifindex);
	nls_talk(g, m, NULL, NULL, &a1);
	if (a1.err != -ENODEV)
		unexpected("DEV_GET of the deleted %s: %s", DUMP_DEV,
			   errname(a1.err));
	free(seen);
	health(g, m);
}

/* ----- phase unpriv ----- */

static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("dropping privileges: %s", strerror(errno));
}

/* A well-formed request of each command: EPERM for every change. */
static void unpriv_commands(struct nlsock *g, struct nlsock *rt,
			    struct msg *m)
{
	struct expect ex = {};
	struct answer a;
	unsigned int cmd;
	char what[64];

	for (cmd = 1; cmd <= KVXLAN_CMD_MAX; cmd++) {
		const struct cmd_info *ci = &cmds[cmd];
		struct genl_reply r = { .cmd = cmd };
		uint8_t ip[4] = { 10, 0, 0, 9 };
		size_t off;

		if (!ci->doit && !ci->dumpit)
			continue;
		if (ci->fdb && ci->change && cmd != KVXLAN_CMD_FDB_FLUSH) {
			fdb_msg(m, cmd, opt.dev[0], 9, true);
		} else {
			genl_start(m, cmd, ci->doit && cmd != KVXLAN_CMD_FDB_GET ?
				   NLM_F_ACK : NLM_F_DUMP);
			attr_u32(m, KVXLAN_A_IFINDEX, opt.dev[0]);
		}
		if (ci->remote) {
			if (cmd == KVXLAN_CMD_GROUP_ADD ||
			    cmd == KVXLAN_CMD_GROUP_DEL)
				ip[0] = 239;
			off = nest_start(m, KVXLAN_A_REMOTE | NLA_F_NESTED);
			attr_put(m, KVXLAN_REMOTE_A_ADDR, ip, 4);
			nest_end(m, off);
		}
		snprintf(what, sizeof(what), "%s (well-formed)", ci->name);
		ex.what = what;
		ex.want = ci->change ? EPERM : 0;
		ex.core_bare = true;
		nls_talk(g, m, genl_reply_ok, &r, &a);
		account(m, &ex, &a);
		if (!ci->change && a.err)
			unexpected("%s: %s: reading must work unprivileged",
				   ci->name, errname(a.err));
	}
	/* A kvxlan device, created, changed, deleted. */
	ex.want = EPERM;
	ex.what = "RTM_NEWLINK fz0 (well-formed)";
	if (link_simple(rt, m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "fz0",
			6000) != -EPERM)
		unexpected("RTM_NEWLINK: not EPERM");
	if (link_simple(rt, m, RTM_NEWLINK, 0, opt.devname[0], 6000) != -EPERM)
		unexpected("changelink of %s: not EPERM", opt.devname[0]);
	if (link_simple(rt, m, RTM_DELLINK, 0, opt.devname[0], 0) != -EPERM)
		unexpected("RTM_DELLINK of %s: not EPERM", opt.devname[0]);
	st[cur].cases += 3;
	/* The events group. */
	if (opt.mcgrp) {
		uint32_t grp = opt.mcgrp;

		st[cur].cases++;
		if (!setsockopt(g->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)))
			unexpected("joining \"%s\" worked unprivileged",
				   KVXLAN_MCGRP_EVENTS);
		else if (errno != EPERM)
			unexpected("joining \"%s\": %s, expected EPERM",
				   KVXLAN_MCGRP_EVENTS, errname(errno));
	}
}

/* What an unprivileged user can see: FDB entries and flood entries. */
static unsigned long visible_state(struct nlsock *g, struct msg *m)
{
	struct genl_reply r = { .cmd = KVXLAN_CMD_FDB_GET };
	struct answer a;
	unsigned long n;

	genl_start(m, KVXLAN_CMD_FDB_GET, NLM_F_DUMP);
	attr_u32(m, KVXLAN_A_IFINDEX, opt.dev[0]);
	nls_talk(g, m, genl_reply_ok, &r, &a);
	n = a.replies;
	r.cmd = KVXLAN_CMD_FLOOD_GET;
	genl_start(m, KVXLAN_CMD_FLOOD_GET, NLM_F_ACK);
	attr_u32(m, KVXLAN_A_IFINDEX, opt.dev[0]);
	nls_talk(g, m, genl_reply_ok, &r, &a);
	return n << 16 | a.replies;
}

static void phase_unpriv(struct nlsock *g, struct nlsock *rt, struct msg *m)
{
	unsigned long n, before;
	struct expect ex;
	struct answer a;
	char what[160];

	cur = S_UNPRIV;
	before = visible_state(g, m);
	unpriv_commands(g, rt, m);
	for (n = 0; n < opt.iterations; n++) {
		struct genl_reply r = {};
		struct nlmsghdr *nlh;

		if (!progress(n, opt.iterations))
			break;
		if (opt.only >= 0 && (long)n != opt.only)
			continue;
		cur_case = n;
		rng_case(S_UNPRIV, n);
		switch (n % 4) {
		case 0:
		case 1:
			gen_genl(m, &ex, what, sizeof(what));
			nlh = (struct nlmsghdr *)m->b;
			nlh->nlmsg_flags |= NLM_F_ACK;
			if (m->len >= NLMSG_HDRLEN + GENL_HDRLEN)
				r.cmd = ((struct genlmsghdr *)
					 NLMSG_DATA(nlh))->cmd;
			nls_talk(g, m, genl_reply_ok, &r, &a);
			break;
		case 2:
			gen_link(m, &ex, what, sizeof(what));
			nls_talk(rt, m, rtnl_reply_ok, NULL, &a);
			break;
		default:
			gen_neigh(m, &ex, what, sizeof(what));
			nls_talk(rt, m, rtnl_reply_ok, NULL, &a);
			break;
		}
		account(m, &ex, &a);
		if (a.hang) {
			reopen_after_hang(g);
			reopen_after_hang(rt);
		}
	}
	cur_case = -1;
	if (visible_state(g, m) != before)
		unexpected("the FDB or flood list of %s changed",
			   opt.devname[0]);
	health(g, m);
}

/* ----- main ----- */

static void report(void)
{
	unsigned long cases = 0, ok = 0, errors = 0, hangs = 0, mal = 0;
	unsigned long unexp = 0, bare = 0;
	unsigned int s, e;

	for (s = 0; s < S_MAX; s++) {
		struct stats *x = &st[s];
		char line[2048];
		size_t len = 0;

		if (!x->cases && !x->unexpected && !x->hangs)
			continue;
		printf("nl_fuzz: %s: cases %lu, successes %lu, errors %lu, hangs %lu, malformed %lu, unexpected %lu, bare %lu, replies %lu, %.1f s in the kernel\n",
		       surface_name[s], x->cases, x->ok, x->errors, x->hangs,
		       x->malformed, x->unexpected, x->bare, x->replies,
		       x->secs);
		for (e = 1; e <= MAX_ERRNO; e++)
			if (x->by_errno[e] && len < sizeof(line) - 64)
				len += snprintf(line + len, sizeof(line) - len,
						" %s %lu", errname(e),
						x->by_errno[e]);
		if (len)
			printf("nl_fuzz: %s: errors by errno:%s\n",
			       surface_name[s], line);
		len = 0;
		for (e = 1; e <= MAX_ERRNO; e++)
			if (x->bare_errno[e] && len < sizeof(line) - 64)
				len += snprintf(line + len, sizeof(line) - len,
						" %s %lu", errname(e),
						x->bare_errno[e]);
		if (len)
			printf("nl_fuzz: %s: without extack message:%s\n",
			       surface_name[s], line);
		cases += x->cases;
		ok += x->ok;
		errors += x->errors;
		hangs += x->hangs;
		mal += x->malformed;
		unexp += x->unexpected;
		bare += x->bare;
	}
	printf("nl_fuzz: %.1f s\n", elapsed());
	printf("nl_fuzz: total: cases sent %lu, successes %lu, errors %lu, hangs %lu, malformed %lu, unexpected %lu, bare %lu\n",
	       cases, ok, errors, hangs, mal, unexp, bare);
	fflush(stdout);
	exit(hangs || mal || unexp || bare ? 1 : 0);
}

static bool phase(const char *name)
{
	const char *p = opt.phases;
	size_t len = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == opt.phases || p[-1] == ',') &&
		    (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: nl_fuzz --dev DEV [--dev DEV...] [--underlay DEV] [--seed N]\n"
		"               [--iterations N] [--entries N] [--rounds N]\n"
		"               [--timeout MS] [--budget SECONDS] [--min-cases N]\n"
		"               [--phases genl,link,neigh,dump|unpriv]\n"
		"               [--only N] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "underlay", required_argument, NULL, 'u' },
		{ "seed", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "entries", required_argument, NULL, 'e' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "budget", required_argument, NULL, 'b' },
		{ "min-cases", required_argument, NULL, 'm' },
		{ "phases", required_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct msg m = { .b = malloc(MSG_CAP) };
	struct nlsock g, rt;
	unsigned int i;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rbuf = malloc(rbuf_size);
	if (!m.b || !rbuf)
		die("out of memory");
	while ((c = getopt_long(argc, argv, "v", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (opt.ndevs == MAX_DEVS)
				die("at most %d --dev", MAX_DEVS);
			snprintf(opt.devname[opt.ndevs], IF_NAMESIZE, "%s",
				 optarg);
			opt.ndevs++;
			break;
		case 'u':
			opt.underlay = if_nametoindex(optarg);
			if (!opt.underlay)
				die("no device %s", optarg);
			break;
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			opt.iterations = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			opt.entries = strtoul(optarg, NULL, 0);
			if (!opt.entries || opt.entries > 1 << 24)
				die("--entries: 1..%u", 1 << 24);
			break;
		case 'r':
			opt.rounds = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt.timeout_ms = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			opt.budget = strtod(optarg, NULL);
			break;
		case 'm':
			opt.min_cases = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			opt.phases = optarg;
			break;
		case 'o':
			opt.only = strtol(optarg, NULL, 0);
			break;
		case 'v':
			opt.verbose++;
			break;
		default:
			usage();
		}
	}
	if (!opt.ndevs || optind != argc)
		usage();
	for (i = 0; i < opt.ndevs; i++) {
		opt.dev[i] = if_nametoindex(opt.devname[i]);
		if (!opt.dev[i])
			die("no device %s", opt.devname[i]);
	}
	opt.unpriv = phase("unpriv");
	if (opt.unpriv)
		drop_privileges();
	if (nls_open(&g, NETLINK_GENERIC) || nls_open(&rt, NETLINK_ROUTE))
		die("netlink socket: %s", strerror(errno));
	resolve_family(&g, &m);
	printf("nl_fuzz: seed %llu, family %u, devices",
	       (unsigned long long)opt.seed, opt.family);
	for (i = 0; i < opt.ndevs; i++)
		printf(" %s(%d)", opt.devname[i], opt.dev[i]);
	printf(", phases %s%s\n", opt.phases, opt.unpriv ? " as uid 65534" : "");

	health(&g, &m);
	if (opt.unpriv) {
		phase_unpriv(&g, &rt, &m);
	} else {
		if (phase("genl"))
			phase_genl(&g, &m);
		if (phase("link"))
			phase_link(&rt, &g, &m);
		if (phase("neigh"))
			phase_neigh(&rt, &g, &m);
		if (phase("dump") && opt.only < 0)
			phase_dump(&rt, &g, &m);
	}
	nls_close(&g);
	nls_close(&rt);
	free(m.b);
	report();
	return 0;
}
