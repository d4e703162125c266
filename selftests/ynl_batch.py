#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl_batch.py YNL_DIR SPEC: the kernel's YNL library (YNL_DIR/lib, the
# directory of cli.py) driven by requests read from stdin, for ynl_spec.sh.
# One python start and one spec parse for all the requests, where cli.py
# costs seconds for each under emulation.
#
# One request a line, one JSON document a line on stdout for each, flushed:
#   do OP [JSON]         ynl.do(OP, JSON)    -> {"reply": REPLY}
#   dump OP [JSON]       ynl.dump(OP, JSON)  -> {"reply": [REPLY...]}
#   subscribe GROUP      a second YnlFamily (its own socket) joins GROUP
#                                            -> {"reply": null}
#   ntf                  the notifications it received since, in order
#                                            -> {"reply": [{"name", "msg"}...]}
# A request the kernel rejects (NlError):  {"error": ERRNO, "message": TEXT}.
# REPLY is what `cli.py --output-json` prints (its YnlEncoder: binary
# attributes in hex).  Whatever the library prints itself goes to stderr.

import json
import sys

sys.path.insert(0, sys.argv[1])
from lib import YnlFamily, NlError  # noqa: E402
from cli import YnlEncoder  # noqa: E402

out = sys.stdout
sys.stdout = sys.stderr


def answer(doc):
    out.write(json.dumps(doc, cls=YnlEncoder) + '\n')
    out.flush()


spec = sys.argv[2]
ynl = YnlFamily(spec, '')
events = None

for line in sys.stdin:
    words = line.split(None, 2)
    if not words:
        continue
    mode = words[0]
    op = words[1] if len(words) > 1 else None
    attrs = json.loads(words[2]) if len(words) > 2 else {}
    try:
        if mode == 'do':
            answer({'reply': ynl.do(op, attrs)})
        elif mode == 'dump':
            answer({'reply': ynl.dump(op, attrs)})
        elif mode == 'subscribe':
            # Not on ynl's socket: in 6.12's YnlFamily._ops() a
            # notification read amid a request's replies sets op to None,
            # and the next recv() then fails on op.attr_set.
            events = YnlFamily(spec, '')
            events.ntf_subscribe(op)
            answer({'reply': None})
        elif mode == 'ntf':
            events.check_ntf()
            answer({'reply': events.async_msg_queue})
            events.async_msg_queue = []
        else:
            raise ValueError(f'unknown request: {line.strip()}')
    except NlError as e:
        answer({'error': e.error, 'message': str(e)})
