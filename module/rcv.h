/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the receive path (rcv.c).
 */
#ifndef _KVX_RCV_H
#define _KVX_RCV_H

struct sock;
struct sk_buff;
struct udp_tunnel_sock_cfg;

int kvx_udp_encap_rcv(struct sock *sk, struct sk_buff *skb);
void kvx_sock_set_gro(struct udp_tunnel_sock_cfg *tcfg);

#endif /* _KVX_RCV_H */
