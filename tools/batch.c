// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan -batch FILE": one command per line, all over the same
 * netlink sockets, stopping at the first that fails.
 *
 * Requests that only need an ACK (fdb add, replace, del, flush; flood add,
 * del, replace) are pipelined by nl_do(): sent in bulk, their errors matched
 * back to their lines by sequence number. Every failure prints the
 * kernel's message then "Command failed FILE:LINE". Requests sent in the
 * same bulk as a failing one and after it have been carried out by the
 * kernel by the time the failure is known; their own failures are printed
 * too. Nothing is sent after that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvxlan.h"
#include "nl.h"
#include "utils.h"

static const char *batch_name;

static void batch_failed(unsigned long line)
{
	fflush(stdout);
	fprintf(stderr, "Command failed %s:%lu\n", batch_name, line);
}

static bool batch_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * Split line into words, in place: blanks separate words, "..." and '...'
 * quote them, a word that starts with '#' starts a comment. *argv grows as
 * needed. Returns the number of words, -1 for an unterminated quote, -2
 * when out of memory.
 */
static int batch_split(char *line, char ***argv, size_t *size)
{
	char *p = line, *w, **v;
	size_t argc = 0;
	char quote;

	for (;;) {
		while (batch_blank(*p))
			p++;
		if (!*p || *p == '#')
			return argc;
		if (argc == *size) {
			v = realloc(*argv, 2 * (*size + 8) * sizeof(*v));
			if (!v)
				return -2;
			*argv = v;
			*size = 2 * (*size + 8);
		}
		(*argv)[argc++] = w = p;
		while (*p && !batch_blank(*p)) {
			if (*p != '"' && *p != '\'') {
				*w++ = *p++;
				continue;
			}
			quote = *p++;
			while (*p && *p != quote)
				*w++ = *p++;
			if (!*p)
				return -1;
			p++;
		}
		if (*p)
			p++;
		*w = '\0';
	}
}

int kvx_batch(const char *name)
{
	char **argv = NULL, *line = NULL;
	size_t size = 0, words = 0;
	unsigned long lineno = 0;
	int argc, ret = KVX_EXIT_OK;
	FILE *in;

	batch_name = name;
	in = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!in)
		return kvx_err("Cannot open \"%s\": %s", name, strerror(errno));

	nl_async_start(batch_failed);
	kvx_report_gate = nl_report_gate;

	while (getline(&line, &size, in) >= 0) {
		lineno++;
		argc = batch_split(line, &argv, &words);
		if (!argc)
			continue;
		nl_async_tag(lineno);
		if (argc == -1)
			ret = kvx_err("Unterminated quote");
		else if (argc == -2)
			ret = kvx_err("%s", strerror(ENOMEM));
		else
			ret = kvx_run(argc, argv);
		if (!ret && !nl_async_failed())
			continue;

		/* Requests of earlier lines still queued go first. */
		nl_sync();
		if (nl_async_failed())
			ret = KVX_EXIT_KERNEL;
		else
			batch_failed(lineno);
		break;
	}
	if (!ret && ferror(in))
		ret = kvx_err("Cannot read \"%s\": %s", name, strerror(errno));
	if (!ret && nl_sync())
		ret = KVX_EXIT_KERNEL;

	kvx_report_gate = NULL;
	free(argv);
	free(line);
	if (in != stdin)
		fclose(in);
	return ret;
}
