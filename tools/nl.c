// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - netlink requests over libmnl, with extended ACK reporting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "nl.h"
#include "utils.h"

#define NL_REQ_SIZE	8192
/* The kernel never builds a dump skb larger than 32 KiB; leave headroom. */
#define NL_RCV_SIZE	65536

struct nl_sock {
	struct mnl_socket *mnl;
	unsigned int portid;
	unsigned int seq;
	char req[NL_REQ_SIZE];
	char rcv[NL_RCV_SIZE];
};

/* State of one nl_talk(). */
struct nl_ctx {
	mnl_cb_t cb;
	void *data;
	int err;		/* positive errno, already reported */
};

/* What the kernel attached to an NLMSG_ERROR or NLMSG_DONE. */
struct nl_extack {
	const char *msg;
	uint32_t miss_type;
	bool miss;
};

struct nl_sock *nl_open(int bus)
{
	struct nl_sock *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		kvx_err("%s", strerror(errno));
		return NULL;
	}

	nl->mnl = mnl_socket_open(bus);
	if (!nl->mnl) {
		kvx_err("Cannot open netlink socket: %s", strerror(errno));
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
	free(nl);
}

struct nlmsghdr *nl_msg(struct nl_sock *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(nl->req, 0, sizeof(nl->req));
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

static int nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nl_ctx *ctx = data;
	struct nl_extack ext = {};
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		ctx->err = EBADMSG;
		kvx_report("Error", "Truncated netlink error message");
		return MNL_CB_ERROR;
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
		return MNL_CB_STOP;
	}

	ctx->err = -e->error;
	nl_report_error(ctx->err, &ext);
	return MNL_CB_ERROR;
}

static int nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;
	struct nl_extack ext = {};
	int err;

	/* A dump that failed midway ends with a negative errno here. */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;

	nl_parse_extack(nlh, sizeof(err), &ext);
	ctx->err = -err;
	nl_report_error(ctx->err, &ext);
	return MNL_CB_ERROR;
}

static int nl_overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;

	(void)nlh;
	ctx->err = ENOBUFS;
	kvx_report("Error", strerror(ctx->err));
	return MNL_CB_ERROR;
}

static int nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;
	int ret;

	if (!ctx->cb)
		return MNL_CB_OK;

	errno = 0;
	ret = ctx->cb(nlh, ctx->data);
	if (ret == MNL_CB_ERROR) {
		ctx->err = errno ? errno : EINVAL;
		kvx_report("Error", strerror(ctx->err));
	}
	return ret;
}

int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data)
{
	static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = nl_error_cb,
		[NLMSG_DONE] = nl_done_cb,
		[NLMSG_OVERRUN] = nl_overrun_cb,
	};
	struct nl_ctx ctx = {
		.cb = cb,
		.data = data,
	};
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	/*
	 * Always ask for an ACK: it ends the answer to a plain request, and
	 * the kernel sends none after a dump (which NLMSG_DONE ends).
	 */
	nlh->nlmsg_flags |= NLM_F_ACK;

	if (mnl_socket_sendto(nl->mnl, nlh, nlh->nlmsg_len) < 0) {
		ret = errno;
		kvx_err("Cannot send netlink request: %s", strerror(ret));
		return -ret;
	}

	for (;;) {
		len = mnl_socket_recvfrom(nl->mnl, nl->rcv, sizeof(nl->rcv));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			ret = errno;
			kvx_err("Cannot receive netlink answer: %s",
				strerror(ret));
			return -ret;
		}
		ret = mnl_cb_run2(nl->rcv, len, seq, nl->portid,
				  nl_data_cb, &ctx, ctl_cb, NLMSG_MIN_TYPE);
		if (ret <= MNL_CB_STOP)
			break;
	}

	if (ret < MNL_CB_STOP) {
		if (ctx.err)
			return -ctx.err;
		/* Checks done by libmnl itself. */
		ret = errno ? errno : EIO;
		if (ret == EINTR)
			kvx_report("Error",
				   "Dump interrupted by a concurrent change, try again");
		else
			kvx_report("Error", strerror(ret));
		return -ret;
	}
	return 0;
}
