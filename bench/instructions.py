#!/usr/bin/env python3
"""Instructions a drain costs, counted by valgrind's callgrind: the same figure on every run,
where wall and CPU time on a shared 2-core machine move by a quarter from one run to the next.

    bench/instructions.py TROBADOR [--posts 300] [--keep FILE] [--nginx /usr/sbin/nginx]

Starts TROBADOR (a release binary: release/build's) under callgrind, waits for `event=ready`,
sets the counts to zero, drops POSTS posts into the inbox (three signed webhook
channels to nginx on 127.0.0.1, as bench/measure.py's drain), waits until nginx has all the
requests and the last attempts are written, and dumps the counts: start-up is not in them.
Prints the instructions per delivery and, for the functions below, their inclusive share.

Two things to know when reading it:
- valgrind 3.19 cannot read the DWARF 5 of the Swift binary, so a copy without debug
  sections (`strip --strip-debug`) is what runs; symbols stay, line numbers go.
- callgrind counts a `rep stos`/`rep movs` byte by byte, so memset and memcpy of large
  blocks weigh far more here than on the CPU; and work done every few seconds whatever the
  load (the metrics file) weighs more because everything runs about 50 times slower.
Compare two binaries with the same --posts; `callgrind_annotate --inclusive=yes FILE` on the
file kept with --keep gives the rest.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from daemon import Daemon  # noqa: E402
from posts import fill_inbox  # noqa: E402
from receiver import Receiver  # noqa: E402

# Where a delivery's instructions go, by the frame that contains them (inclusive counts).
FRAMES = [
    ("intake: reading and checking posts", "PostParser.load(entry:known:) ["),
    ("intake: storing posts and deliveries", "closure #1 in SQLiteStateStore.accept(_:now:) ["),
    ("engine steps: ends and claims written", "closure #1 in SQLiteStateStore.step(_:now:) ["),
    ("  of which claims", "static SQLiteStateStore.claimDue(channel:limit:now:posts:db:) ["),
    ("  of which ends", "static SQLiteStateStore.complete(_:db:) ["),
    ("webhook request built and signed", "WebhookAdapter.request(for:now:) ["),
    ("audit record: the request recorded", "RecordedRequest.init(_:status:error:redactions:) ["),
    ("audit record: its JSON", "SentRequests.init(recorded:) ["),
    ("HTTP (libcurl's loop thread)", "CurlMultiLoop.run() ["),
    ("log lines", "closure #1 in EventLog.log<A>(_:) ["),
    ("metrics file and STATUS=", "StatusPublisher.publish() ["),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trobador")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--keep", help="copy callgrind's output file here")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "callgrind_annotate", "strip"):
        if not shutil.which(tool):
            raise SystemExit(f"instructions: {tool} is missing (apt-get install valgrind binutils)")

    work = tempfile.mkdtemp(prefix="trobador-instructions-")
    os.chmod(work, 0o755)  # nginx's worker reads its files below it as another user
    try:
        binary = os.path.join(work, "trobador")
        subprocess.run(["strip", "--strip-debug", "-o", binary, args.trobador], check=True)
        output = os.path.join(work, "callgrind.out")
        receiver = Receiver(args.nginx, os.path.join(work, "nginx"))
        daemon = Daemon(binary, os.path.join(work, "daemon"), [
            ("c1", receiver.url("c1")), ("c2", receiver.url("c2")), ("c3", receiver.url("c3"))])
        os.environ["BENCH_PROFILE"] = (
            f"valgrind --tool=callgrind --fair-sched=yes --dump-instr=no --callgrind-out-file={output}")
        try:
            daemon.start()
            daemon.wait_for_event("ready", timeout=300)
            control = ["callgrind_control"]
            subprocess.run(control + ["--zero", str(daemon.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            fill_inbox(daemon.inbox, "count", args.posts)
            receiver.reset()
            requests = receiver.wait_for(3 * args.posts, timeout=3600)
            if len(requests) < 3 * args.posts:
                raise SystemExit(f"instructions: {len(requests)} of {3 * args.posts} requests arrived")
            delivered = daemon.wait_for_event("delivered", count=3 * args.posts, timeout=600)
            if len(delivered) < 3 * args.posts:
                raise SystemExit(f"instructions: {len(delivered)} of {3 * args.posts} deliveries logged (the channels answered otherwise?)")
            time.sleep(2)  # the last step's log lines are out; its end is written
            subprocess.run(control + ["--dump=drain", str(daemon.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            daemon.stop()
            receiver.stop()
        dumps = sorted(name for name in os.listdir(work) if name.startswith("callgrind.out"))
        dump = os.path.join(work, max(dumps, key=lambda name: os.path.getsize(os.path.join(work, name))))
        if args.keep:
            shutil.copyfile(dump, args.keep)
        report(dump, 3 * args.posts)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(dump, deliveries):
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dump],
                          check=True, capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True, text=True).stdout \
        if shutil.which("swift") else text
    lines = demangled.splitlines()
    total = next(int(line.split()[0].replace(",", "")) for line in lines if "PROGRAM TOTALS" in line)
    print(f"instructions: {total:,} for {deliveries:,} deliveries, {total // deliveries:,} per delivery")
    for label, frame in FRAMES:
        counts = [int(line.split()[0].replace(",", "")) for line in lines if frame in line]
        count = max(counts) if counts else 0
        print(f"  {label:<40} {count // deliveries:>9,} per delivery  {100 * count / total:5.1f} %")


if __name__ == "__main__":
    main()
