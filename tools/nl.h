/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - netlink requests over libmnl.
 *
 * One socket per command. nl_msg() starts a request in the socket's buffer;
 * the caller adds attributes with mnl_attr_put*() and hands it to nl_talk(),
 * which sends it and reads the answer up to the ACK (or NLMSG_DONE for a
 * dump), passing every data message to cb. A kernel error is printed as
 * "Error: <extack message>" (or the errno text when the kernel gave none).
 */
#ifndef KVXLAN_NL_H
#define KVXLAN_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl_sock;

/* NETLINK_ROUTE, NETLINK_GENERIC. Prints the error and returns NULL. */
struct nl_sock *nl_open(int bus);
void nl_close(struct nl_sock *nl);

/* A new request of the given type; NLM_F_REQUEST is added to flags. */
struct nlmsghdr *nl_msg(struct nl_sock *nl, uint16_t type, uint16_t flags);

/*
 * Send nlh (NLM_F_ACK is added unless it is a dump) and receive until the
 * answer is complete. cb may be NULL; it must return MNL_CB_OK, or
 * MNL_CB_ERROR with errno set. Returns 0 or a negative errno, in which case
 * the error has been printed.
 */
int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data);

#endif /* KVXLAN_NL_H */
