/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - netlink requests over libmnl.
 *
 * One socket per bus for the whole process (nl_shared()), so that a batch
 * runs every command over the same socket. nl_msg() starts a request in the
 * socket's buffer; the caller adds attributes with mnl_attr_put*() and hands
 * it to nl_talk(), which sends it and reads the answer up to the ACK (or
 * NLMSG_DONE for a dump), passing every data message to cb. A kernel error
 * is printed as "Error: <extack message>" (or the errno text when the
 * kernel gave none).
 *
 * Pipelining (batch mode): after nl_async_start(), nl_do() queues requests
 * that have no answer but their ACK and sends them many at a time. Only the
 * last request of each send asks for an ACK; the kernel answers the others
 * only when they fail. Answers are matched to requests by sequence number,
 * every error is printed and followed by fail(tag), tag being the value of
 * nl_async_tag() when the request was queued. Anything else (nl_talk(),
 * nl_dump(), nl_sync(), a message through kvx_report()) first sends and
 * settles everything queued, so that output and errors come in order.
 */
#ifndef KVXLAN_NL_H
#define KVXLAN_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl_sock;

/* NETLINK_ROUTE, NETLINK_GENERIC. Prints the error and returns NULL. */
struct nl_sock *nl_open(int bus);
void nl_close(struct nl_sock *nl);

/* The process's socket on bus, opened on first use; NULL: error printed. */
struct nl_sock *nl_shared(int bus);
/* Settle what is queued, then close every shared socket. */
void nl_shared_close(void);

/* Grow the socket's receive buffer to at least bytes (best effort). */
void nl_set_rcvbuf(struct nl_sock *nl, int bytes);

/* A new request of the given type; NLM_F_REQUEST is added to flags. */
struct nlmsghdr *nl_msg(struct nl_sock *nl, uint16_t type, uint16_t flags);

/* Room for one request built with nl_msg(), attributes included. */
#define NL_REQ_SIZE	(256 * 1024)

/*
 * Send nlh (NLM_F_ACK is added unless it is a dump) and receive until the
 * answer is complete. cb may be NULL; it must return MNL_CB_OK, or
 * MNL_CB_ERROR with errno set. Returns 0 or a negative errno, in which case
 * the error has been printed. An interrupted dump (NLM_F_DUMP_INTR) fails
 * with -EINTR.
 */
int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data);

/* nl_talk() that prints nothing when the kernel answers with an error. */
int nl_talk_quiet(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		  void *data);

/*
 * A dump that is restarted from scratch, with restart(data) called first,
 * when the kernel flags a part NLM_F_DUMP_INTR; after NL_DUMP_RESTARTS
 * restarts it fails with -EINTR and "Dump was interrupted". cb must not
 * build requests of its own.
 */
#define NL_DUMP_RESTARTS	5
int nl_dump(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data, void (*restart)(void *data));

/* Join a multicast group (NETLINK_ADD_MEMBERSHIP): 0 or -errno. */
int nl_join(struct nl_sock *nl, unsigned int group);

/*
 * Receive notifications until an error: cb gets every message that is not
 * the answer to a request. Lost messages (ENOBUFS) print a warning and the
 * wait goes on. Returns a negative errno (printed) or cb's error.
 */
int nl_listen(struct nl_sock *nl, mnl_cb_t cb, void *data);

/* Pipelining; see above. */
void nl_async_start(void (*fail)(unsigned long tag));
void nl_async_tag(unsigned long tag);
int nl_do(struct nl_sock *nl, struct nlmsghdr *nlh);
int nl_sync(void);
bool nl_async_failed(void);

/*
 * For kvx_report_gate: settle what is queued before a message is printed;
 * false when an earlier request failed, since the message then belongs to
 * a command that should never have run.
 */
bool nl_report_gate(void);

/*
 * Fill tb[0..max] with the attributes that start off bytes into nlh's
 * payload, or with those of a nest. types[] gives each attribute's type:
 * attributes this tool does not know (MNL_TYPE_UNSPEC, or above max) and
 * attributes of the wrong size are left out.
 */
void nl_parse(const struct nlmsghdr *nlh, unsigned int off,
	      const struct nlattr **tb, unsigned int max,
	      const enum mnl_attr_data_type *types);
void nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max, const enum mnl_attr_data_type *types);

#endif /* KVXLAN_NL_H */
