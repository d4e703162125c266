// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - netlink requests over libmnl, with extended ACK reporting,
 * restartable dumps and pipelined requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "nl.h"
#include "utils.h"

/*
 * The kernel builds dump parts of at most 32 KiB, but a plain answer (a
 * long flood list) can be larger: the buffer then grows.
 */
#define NL_RCV_SIZE	65536

/*
 * Pipelining. One send carries at most NL_QUEUE_SIZE bytes of requests
 * (the kernel takes up to its socket send buffer, 208 KiB by default) and
 * at most qmax requests: as many error answers as the receive buffer
 * holds, counting NL_ERR_TRUESIZE bytes for each (an skb with an extack
 * message), so that none is dropped even if every request fails.
 */
#define NL_QUEUE_SIZE	(128 * 1024)
#define NL_QUEUE_MAX	4096
#define NL_ERR_TRUESIZE	2048
#define NL_QUEUE_RCVBUF	(8 * 1024 * 1024)

struct nl_sock {
	struct mnl_socket *mnl;
	int bus;
	unsigned int portid;
	unsigned int seq;
	struct nl_sock *next;		/* in nl_socks */

	/* requests queued by nl_do() */
	char *queue;
	size_t qlen;			/* bytes */
	size_t qlast;			/* offset of the last request */
	unsigned int qn;		/* requests */
	unsigned int qmax;
	uint32_t qseq;			/* sequence number of the first */
	unsigned long *qtags;		/* nl_async.tag of each */

	char *rcv;			/* received datagram */
	size_t rcv_size;
	char req[NL_REQ_SIZE];
};

/* State of one request and its answer. */
struct nl_ctx {
	mnl_cb_t cb;
	void *data;
	int err;		/* positive errno, already reported */
	bool quiet;		/* kernel errors are the caller's to report */
	bool stop;		/* cb returned MNL_CB_STOP */
	bool intr;		/* a part was flagged NLM_F_DUMP_INTR */
};

/* What the kernel attached to an NLMSG_ERROR or NLMSG_DONE. */
struct nl_extack {
	const char *msg;
	uint32_t miss_type;
	bool miss;
};

static struct nl_sock *nl_socks;	/* nl_shared() */

static struct {
	bool on;
	bool failed;		/* a queued request failed */
	bool busy;		/* settling the queues */
	unsigned long tag;
	void (*fail)(unsigned long tag);
} nl_async;

struct nl_sock *nl_open(int bus)
{
	struct nl_sock *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		kvx_err("%s", strerror(errno));
		return NULL;
	}
	nl->bus = bus;
	nl->rcv_size = NL_RCV_SIZE;
	nl->rcv = malloc(nl->rcv_size);
	if (!nl->rcv) {
		kvx_err("%s", strerror(errno));
		free(nl);
		return NULL;
	}

	nl->mnl = mnl_socket_open(bus);
	if (!nl->mnl) {
		kvx_err("Cannot open netlink socket: %s", strerror(errno));
		free(nl->rcv);
		free(nl);
		return NULL;
	}

	/* Best effort: a kernel without them simply sends plain errors. */
	mnl_socket_setsockopt(nl->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->mnl, NETLINK_CAP_ACK, &one, sizeof(one));

	if (mnl_socket_bind(nl->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		kvx_err("Cannot bind netlink socket: %s", strerror(errno));
		nl_close(nl);
		return NULL;
	}

	nl->portid = mnl_socket_get_portid(nl->mnl);
	nl->seq = time(NULL);
	return nl;
}

void nl_close(struct nl_sock *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->mnl);
	free(nl->rcv);
	free(nl->queue);
	free(nl->qtags);
	free(nl);
}

struct nl_sock *nl_shared(int bus)
{
	struct nl_sock *nl;

	for (nl = nl_socks; nl; nl = nl->next)
		if (nl->bus == bus)
			return nl;
	nl = nl_open(bus);
	if (nl) {
		nl->next = nl_socks;
		nl_socks = nl;
	}
	return nl;
}

void nl_shared_close(void)
{
	struct nl_sock *nl;

	nl_sync();
	while (nl_socks) {
		nl = nl_socks;
		nl_socks = nl->next;
		nl_close(nl);
	}
}

static int nl_get_rcvbuf(struct nl_sock *nl)
{
	socklen_t len;
	int val = 0;

	len = sizeof(val);
	getsockopt(mnl_socket_get_fd(nl->mnl), SOL_SOCKET, SO_RCVBUF, &val,
		   &len);
	return val;
}

void nl_set_rcvbuf(struct nl_sock *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl->mnl);

	if (nl_get_rcvbuf(nl) >= bytes)
		return;
	/* Beyond net.core.rmem_max with CAP_NET_ADMIN, else up to it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

struct nlmsghdr *nl_msg(struct nl_sock *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl zeroes the header and the padding of every attribute. */
	nlh = mnl_nlmsg_put_header(nl->req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

static int nl_extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_extack *ext = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			ext->msg = mnl_attr_get_str(attr);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			ext->miss_type = mnl_attr_get_u32(attr);
			ext->miss = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/* Parse the TLVs that start off bytes into nlh's payload. */
static void nl_parse_extack(const struct nlmsghdr *nlh, size_t off,
			    struct nl_extack *ext)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return;
	mnl_attr_parse_payload((const char *)mnl_nlmsg_get_payload(nlh) + off,
			       len - off, nl_extack_attr_cb, ext);
}

static void nl_report_error(int err, const struct nl_extack *ext)
{
	char msg[512];

	if (ext->msg && *ext->msg) {
		kvx_report("Error", ext->msg);
	} else if (ext->miss) {
		snprintf(msg, sizeof(msg), "%s (missing attribute type %u)",
			 strerror(err), ext->miss_type);
		kvx_report("Error", msg);
	} else {
		kvx_report("Error", strerror(err));
	}
}

/* An NLMSG_ERROR: 0 for an ACK, else the negative errno. */
static int nl_handle_error(const struct nlmsghdr *nlh, bool quiet)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nl_extack ext = {};
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		kvx_report("Error", "Truncated netlink error message");
		return -EBADMSG;
	}

	/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - sizeof(e->msg));
	nl_parse_extack(nlh, off, &ext);

	if (e->error >= 0) {
		/* An ACK; it may carry a warning. */
		if (ext.msg && *ext.msg)
			kvx_report("Warning", ext.msg);
		return 0;
	}
	if (!quiet)
		nl_report_error(-e->error, &ext);
	return e->error;
}

/*
 * An NLMSG_DONE: a dump that failed midway carries a negative errno, which
 * is returned (0 otherwise).
 */
static int nl_handle_done(const struct nlmsghdr *nlh, bool quiet)
{
	struct nl_extack ext = {};
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return 0;
	nl_parse_extack(nlh, sizeof(err), &ext);
	if (!quiet)
		nl_report_error(-err, &ext);
	return err;
}

/*
 * The next datagram from the kernel into nl->rcv, grown first when the
 * datagram is larger: its length, or a negative errno.
 */
static int nl_recv(struct nl_sock *nl)
{
	int fd = mnl_socket_get_fd(nl->mnl);
	struct sockaddr_nl addr;
	socklen_t alen;
	ssize_t len;
	char *p;

	for (;;) {
		len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (len >= 0 && (size_t)len > nl->rcv_size) {
			p = realloc(nl->rcv, len);
			if (!p)
				return -ENOMEM;
			nl->rcv = p;
			nl->rcv_size = len;
		}
		if (len >= 0) {
			alen = sizeof(addr);
			len = recvfrom(fd, nl->rcv, nl->rcv_size, 0,
				       (struct sockaddr *)&addr, &alen);
		}
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Only the kernel speaks here. */
		if (alen == sizeof(addr) && !addr.nl_pid)
			return len;
	}
}

static void nl_data(const struct nlmsghdr *nlh, struct nl_ctx *ctx)
{
	int ret;

	/* After an error or an interruption, the rest is only drained. */
	if (!ctx->cb || ctx->err || ctx->stop || ctx->intr)
		return;
	errno = 0;
	ret = ctx->cb(nlh, ctx->data);
	if (ret == MNL_CB_ERROR) {
		ctx->err = errno ? errno : EINVAL;
		kvx_report("Error", strerror(ctx->err));
	} else if (ret == MNL_CB_STOP) {
		ctx->stop = true;
	}
}

/*
 * Send one request and read its whole answer, skipping whatever is not
 * part of it (notifications, answers to requests given up on).
 */
static int nl_exchange(struct nl_sock *nl, struct nlmsghdr *nlh,
		       struct nl_ctx *ctx)
{
	uint32_t seq = nlh->nlmsg_seq;
	const struct nlmsghdr *m;
	bool done = false;
	int len, err;

	/*
	 * Always ask for an ACK: it ends the answer to a plain request, and
	 * the kernel sends none after a dump (which NLMSG_DONE ends).
	 */
	nlh->nlmsg_flags |= NLM_F_ACK;

	if (mnl_socket_sendto(nl->mnl, nlh, nlh->nlmsg_len) < 0) {
		err = errno;
		kvx_err("Cannot send netlink request: %s", strerror(err));
		return -err;
	}

	while (!done) {
		len = nl_recv(nl);
		if (len < 0) {
			kvx_err("Cannot receive netlink answer: %s",
				strerror(-len));
			return len;
		}
		for (m = (const struct nlmsghdr *)nl->rcv;
		     !done && mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				ctx->intr = true;
			switch (m->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_ERROR:
				err = nl_handle_error(m, ctx->quiet);
				if (err && !ctx->err)
					ctx->err = -err;
				done = true;
				break;
			case NLMSG_DONE:
				err = nl_handle_done(m, ctx->quiet);
				if (err && !ctx->err)
					ctx->err = -err;
				done = true;
				break;
			case NLMSG_OVERRUN:
				if (!ctx->err) {
					ctx->err = ENOBUFS;
					kvx_report("Error", strerror(ENOBUFS));
				}
				done = true;
				break;
			default:
				nl_data(m, ctx);
			}
		}
	}

	if (ctx->err)
		return -ctx->err;
	return ctx->intr ? -EINTR : 0;
}

static int nl_request(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		      void *data, bool quiet)
{
	struct nl_ctx ctx = {
		.cb = cb,
		.data = data,
		.quiet = quiet,
	};
	int ret;

	ret = nl_sync();
	if (ret)
		return ret;
	ret = nl_exchange(nl, nlh, &ctx);
	if (ret == -EINTR)
		kvx_report("Error",
			   "Dump interrupted by a concurrent change, try again");
	return ret;
}

int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data)
{
	return nl_request(nl, nlh, cb, data, false);
}

int nl_talk_quiet(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		  void *data)
{
	return nl_request(nl, nlh, cb, data, true);
}

int nl_dump(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data, void (*restart)(void *data))
{
	struct nl_ctx ctx;
	int i, ret;

	ret = nl_sync();
	if (ret)
		return ret;

	for (i = 0; i <= NL_DUMP_RESTARTS; i++) {
		if (i) {
			nlh->nlmsg_seq = ++nl->seq;
			if (restart)
				restart(data);
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.cb = cb;
		ctx.data = data;
		ret = nl_exchange(nl, nlh, &ctx);
		if (ret != -EINTR)
			return ret;
	}
	kvx_report("Error", "Dump was interrupted");
	return -EINTR;
}

int nl_join(struct nl_sock *nl, unsigned int group)
{
	if (mnl_socket_setsockopt(nl->mnl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

int nl_listen(struct nl_sock *nl, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *m;
	int len, err;

	err = nl_sync();
	if (err)
		return err;

	for (;;) {
		len = nl_recv(nl);
		if (len == -ENOBUFS) {
			kvx_report("Warning",
				   "Messages were lost: the receive buffer overflowed");
			continue;
		}
		if (len < 0) {
			kvx_err("Cannot receive netlink messages: %s",
				strerror(-len));
			return len;
		}
		for (m = (const struct nlmsghdr *)nl->rcv;
		     mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			errno = 0;
			if (cb(m, data) == MNL_CB_ERROR) {
				err = errno ? errno : EINVAL;
				kvx_report("Error", strerror(err));
				return -err;
			}
		}
	}
}

/* ----- pipelining ----- */

void nl_async_start(void (*fail)(unsigned long tag))
{
	nl_async.on = true;
	nl_async.fail = fail;
}

void nl_async_tag(unsigned long tag)
{
	nl_async.tag = tag;
}

bool nl_async_failed(void)
{
	return nl_async.failed;
}

static void nl_async_fail(unsigned long tag)
{
	nl_async.failed = true;
	if (nl_async.fail)
		nl_async.fail(tag);
}

static int nl_queue_init(struct nl_sock *nl)
{
	int rcvbuf;

	nl->queue = malloc(NL_QUEUE_SIZE);
	nl->qtags = calloc(NL_QUEUE_MAX, sizeof(*nl->qtags));
	if (!nl->queue || !nl->qtags) {
		kvx_err("%s", strerror(ENOMEM));
		free(nl->queue);
		free(nl->qtags);
		nl->queue = NULL;
		nl->qtags = NULL;
		return -ENOMEM;
	}

	nl_set_rcvbuf(nl, NL_QUEUE_RCVBUF);
	rcvbuf = nl_get_rcvbuf(nl);
	nl->qmax = rcvbuf / NL_ERR_TRUESIZE;
	if (nl->qmax < 1)
		nl->qmax = 1;
	if (nl->qmax > NL_QUEUE_MAX)
		nl->qmax = NL_QUEUE_MAX;
	return 0;
}

/*
 * Send what is queued on nl and read the answers: an error for each
 * request that failed (printed, then fail(tag)), then the last request's
 * ACK or error, which ends them.
 */
static int nl_flush(struct nl_sock *nl)
{
	unsigned int n = nl->qn, idx;
	uint32_t first = nl->qseq;
	const struct nlmsghdr *m;
	struct nlmsghdr *last;
	bool done = false, busy;
	int len, err, ret = 0;

	if (!n)
		return 0;
	busy = nl_async.busy;
	nl_async.busy = true;

	last = (struct nlmsghdr *)(nl->queue + nl->qlast);
	last->nlmsg_flags |= NLM_F_ACK;
	len = nl->qlen;
	nl->qn = 0;
	nl->qlen = 0;

	if (mnl_socket_sendto(nl->mnl, nl->queue, len) < 0) {
		err = errno;
		kvx_err("Cannot send netlink requests: %s", strerror(err));
		nl_async_fail(nl->qtags[0]);
		ret = -err;
		goto out;
	}

	while (!done) {
		len = nl_recv(nl);
		if (len < 0) {
			/* Answers were lost (ENOBUFS): which ones is unknown. */
			kvx_err("Cannot receive netlink answers: %s",
				strerror(-len));
			nl_async_fail(nl->qtags[0]);
			ret = len;
			goto out;
		}
		for (m = (const struct nlmsghdr *)nl->rcv;
		     !done && mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			idx = m->nlmsg_seq - first;
			if (idx >= n || m->nlmsg_type != NLMSG_ERROR)
				continue;
			err = nl_handle_error(m, false);
			if (err) {
				ret = err;
				nl_async_fail(nl->qtags[idx]);
			}
			if (idx == n - 1)
				done = true;
		}
	}
out:
	nl_async.busy = busy;
	return ret;
}

int nl_sync(void)
{
	struct nl_sock *nl;
	int err, ret = 0;

	if (nl_async.busy)
		return 0;
	for (nl = nl_socks; nl; nl = nl->next) {
		err = nl_flush(nl);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

int nl_do(struct nl_sock *nl, struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);
	struct nl_sock *other;
	int ret;

	if (!nl_async.on || len > NL_QUEUE_SIZE / 2)
		return nl_talk(nl, nlh, NULL, NULL);

	if (!nl->queue) {
		ret = nl_queue_init(nl);
		if (ret)
			return ret;
	}

	/* Requests queued on other sockets go first, in order. */
	for (other = nl_socks; other; other = other->next) {
		if (other != nl) {
			ret = nl_flush(other);
			if (ret)
				return ret;
		}
	}
	if (nl->qn && (nl->qlen + len > NL_QUEUE_SIZE ||
		       nl->qn >= nl->qmax ||
		       nlh->nlmsg_seq != nl->qseq + nl->qn)) {
		ret = nl_flush(nl);
		if (ret)
			return ret;
	}

	if (!nl->qn)
		nl->qseq = nlh->nlmsg_seq;
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	memcpy(nl->queue + nl->qlen, nlh, nlh->nlmsg_len);
	memset(nl->queue + nl->qlen + nlh->nlmsg_len, 0,
	       len - nlh->nlmsg_len);
	nl->qtags[nl->qn++] = nl_async.tag;
	nl->qlast = nl->qlen;
	nl->qlen += len;
	return 0;
}

bool nl_report_gate(void)
{
	if (nl_async.busy)
		return true;
	nl_sync();
	return !nl_async.failed;
}

/* ----- attributes ----- */

struct nl_parse_ctx {
	const struct nlattr **tb;
	unsigned int max;
	const enum mnl_attr_data_type *types;
};

static int nl_parse_cb(const struct nlattr *attr, void *data)
{
	const struct nl_parse_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type > ctx->max || ctx->types[type] == MNL_TYPE_UNSPEC ||
	    mnl_attr_validate(attr, ctx->types[type]) < 0)
		return MNL_CB_OK;
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

void nl_parse(const struct nlmsghdr *nlh, unsigned int off,
	      const struct nlattr **tb, unsigned int max,
	      const enum mnl_attr_data_type *types)
{
	struct nl_parse_ctx ctx = { tb, max, types };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_parse(nlh, off, nl_parse_cb, &ctx);
}

void nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max, const enum mnl_attr_data_type *types)
{
	struct nl_parse_ctx ctx = { tb, max, types };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_nested(nest, nl_parse_cb, &ctx);
}
