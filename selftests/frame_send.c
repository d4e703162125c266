// SPDX-License-Identifier: GPL-2.0
/*
 * frame_send IFACE DST_MAC FILE SET [REPEAT]: send the Ethernet frames of
 * SET, prebuilt in FILE, on IFACE with an AF_PACKET socket.
 *
 * FILE (NAME.frames, written on the host by frames.py at `make -C
 * selftests` time) has one frame per line, "SET HEX": the frames of SET are
 * sent in the order of the file, the whole set REPEAT times (default 1).
 * Lines of other sets, and lines that are not frames, are skipped.
 * Every frame leaves with Ethernet destination DST_MAC and source IFACE's
 * own address (both are per run; nothing else in a frame depends on them),
 * the bytes after them unchanged.  Prints "sent N frames of SET".
 *
 * Under emulation, starting python and importing scapy costs tens of
 * seconds: the tests replay what scapy built on the host instead.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME 65536

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	int i, n;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &n) != 6 || s[n])
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

struct frame {
	unsigned char *data;
	size_t len;
};

int main(int argc, char **argv)
{
	unsigned char dst[6], own[6], *buf;
	struct frame *frames = NULL;
	size_t nframes = 0, cap = 0, i, len;
	struct sockaddr_ll sll = { 0 };
	char *line = NULL, *hex;
	size_t linecap = 0, setlen;
	long repeat = 1, r, sent = 0;
	struct ifreq ifr = { 0 };
	ssize_t n;
	FILE *f;
	int fd;

	if (argc == 6)
		repeat = strtol(argv[5], NULL, 10);
	if (argc < 5 || argc > 6 || parse_mac(argv[2], dst) || repeat < 1) {
		fprintf(stderr,
			"usage: frame_send IFACE DST_MAC FILE SET [REPEAT]\n");
		return 2;
	}
	f = fopen(argv[3], "r");
	if (!f) {
		fprintf(stderr, "frame_send: %s: %s\n", argv[3],
			strerror(errno));
		return 1;
	}
	setlen = strlen(argv[4]);
	while ((n = getline(&line, &linecap, f)) > 0) {
		if (strncmp(line, argv[4], setlen) || line[setlen] != ' ')
			continue;
		hex = line + setlen + 1;
		buf = malloc(MAX_FRAME);
		if (!buf)
			return 1;
		for (len = 0; hexval(hex[0]) >= 0 && hexval(hex[1]) >= 0;
		     hex += 2) {
			if (len == MAX_FRAME) {
				fprintf(stderr, "frame_send: frame too long\n");
				return 1;
			}
			buf[len++] = hexval(hex[0]) << 4 | hexval(hex[1]);
		}
		if (*hex != '\n' && *hex != '\0') {
			fprintf(stderr, "frame_send: %s: bad hex in set %s\n",
				argv[3], argv[4]);
			return 1;
		}
		if (len < ETH_HLEN) {
			fprintf(stderr, "frame_send: a frame of %zu bytes\n",
				len);
			return 1;
		}
		if (nframes == cap) {
			cap = cap ? 2 * cap : 64;
			frames = realloc(frames, cap * sizeof(*frames));
			if (!frames)
				return 1;
		}
		frames[nframes].data = buf;
		frames[nframes++].len = len;
	}
	fclose(f);
	if (!nframes) {
		fprintf(stderr, "frame_send: no frame of set %s in %s\n",
			argv[4], argv[3]);
		return 1;
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("frame_send: socket");
		return 1;
	}
	if (strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "frame_send: %s: name too long\n", argv[1]);
		return 1;
	}
	memcpy(ifr.ifr_name, argv[1], strlen(argv[1]) + 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "frame_send: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	memcpy(own, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	if (!sll.sll_ifindex ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "frame_send: bind %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	for (i = 0; i < nframes; i++) {
		memcpy(frames[i].data, dst, 6);
		memcpy(frames[i].data + 6, own, 6);
	}
	for (r = 0; r < repeat; r++) {
		for (i = 0; i < nframes; i++) {
			n = send(fd, frames[i].data, frames[i].len, 0);
			if (n != (ssize_t)frames[i].len) {
				fprintf(stderr, "frame_send: send: %s\n",
					n < 0 ? strerror(errno) : "short");
				return 1;
			}
			sent++;
		}
	}
	close(fd);
	printf("sent %ld frames of %s\n", sent, argv[4]);
	return 0;
}
