#!/usr/bin/env python3
"""Shares of a perf profile, from `perf script` output (demangled) on standard input.

    perf record -e cpu-clock -F 499 --call-graph dwarf,8192 -o drain.perf -- trobador run ...
    perf script -i drain.perf -F tid,ip,sym | swift demangle --simplified > drain.txt

    profile_shares.py buckets writer=SQLiteStateStore.step intake=Intake curl=curl_multi < drain.txt
        the share of samples whose stack has a frame containing each substring; the first
        matching bucket takes the sample, in the order given, and the rest are named by their leaf
    profile_shares.py callees "SQLiteStateStore.claimDue" [DEPTH] < drain.txt
        where the samples under a frame go: the frame DEPTH levels below it (default 1)

`--call-graph dwarf` rather than `-g`: Debian's libsqlite3 and libcurl are built without frame
pointers, and with `-g` every stack that passes through them is cut there.
"""
import collections
import re
import signal
import sys


def stacks(lines):
    """Each sample's frames, leaf first, as `symbol` text (the address dropped)."""
    frames = []
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line.startswith("\t"):  # a frame; the sample's thread id, right-aligned, starts with spaces
            frames.append(re.sub(r"^[0-9a-f]+ ", "", line.strip()))
    if frames:
        yield frames


def buckets(rules, samples):
    counts = collections.Counter()
    for frames in samples:
        text = "\n".join(frames)
        name = next((name for name, part in rules if part in text), "(other) " + frames[0][:80])
        counts[name] += 1
    return counts


def callees(target, depth, samples):
    counts = collections.Counter()
    for frames in samples:
        index = next((i for i, frame in enumerate(frames) if target in frame), None)
        if index is not None:
            counts[frames[index - depth][:150] if index >= depth else "(self)"] += 1
    return counts


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # piped into `head`
    if len(sys.argv) < 3 or sys.argv[1] not in ("buckets", "callees"):
        sys.exit(__doc__)
    samples = list(stacks(sys.stdin))
    if sys.argv[1] == "buckets":
        counts = buckets([rule.split("=", 1) for rule in sys.argv[2:]], samples)
        total = len(samples)
    else:
        counts = callees(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1, samples)
        total = sum(counts.values())
    for name, count in counts.most_common(40):
        print(f"{100 * count / max(total, 1):6.2f}%  {count:6d}  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
