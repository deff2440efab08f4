#!/usr/bin/env python3
"""Reads and verifies a runledger journal with nothing but Python's standard library.

Usage: python3 verify_journal.py logs/runs/<runId>/events.ndjson
Prints one line per event; exits 0 when the chain holds (a torn tail is reported, not fatal) and
1 on corruption. The rules are those of docs/DESIGN.md §3 and §5; event schemas are not checked.
"""
import hashlib
import json
import sys

SUFFIX = b',"hash":"'
TRAILER = len(SUFFIX) + 64 + 2  # ,"hash":"<64 hex>"}
GENESIS = "0" * 64


def self_verifies(line):
    """A complete line whose hash matches the bytes before ,"hash":" ."""
    if len(line) <= TRAILER or line[-TRAILER:-TRAILER + len(SUFFIX)] != SUFFIX or not line.endswith(b'"}'):
        return False
    return hashlib.sha256(line[:-TRAILER]).hexdigest().encode() == line[-66:-2]


def main(path):
    lines = open(path, "rb").read().split(b"\n")
    complete, last = lines[:-1], lines[-1]  # the part after the last newline is unterminated
    prev, seq, offset = GENESIS, 0, 0
    for number, line in enumerate(complete, start=1):
        problem, written_whole = None, False
        if not self_verifies(line):
            problem = "hash mismatch or damaged line"
        else:
            event = json.loads(line)
            if event["seq"] != seq + 1:
                problem, written_whole = "seq %s, expected %d" % (event["seq"], seq + 1), event["seq"] > seq + 1
            elif event["prev"] != prev:
                problem, written_whole = "broken chain", True
        if problem:
            later = any(self_verifies(l) and json.loads(l)["seq"] > seq for l in complete[number:])
            kind = "CORRUPT" if written_whole or later else "torn tail"
            print("%s at line %d, byte %d: %s" % (kind, number, offset, problem))
            return 1 if kind == "CORRUPT" else 0
        print("%6d  %s  %-22s %s" % (event["seq"], event["ts"], event["type"], json.dumps(event["data"])[:80]))
        prev, seq, offset = event["hash"], event["seq"], offset + len(line) + 1
    if last:
        print("torn tail at line %d, byte %d: unterminated last line (%d bytes)" % (len(complete) + 1, offset, len(last)))
    print("ok: %d events, chain intact" % seq)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
