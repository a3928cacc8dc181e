"""Runs the four measures of BENCHMARKS.md and prints one table. Started by bench/run, which
installs what this needs and builds trobador; every request goes to nginx on 127.0.0.1."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from daemon import Daemon
from posts import fill_inbox, post_title, post_text
from receiver import Receiver

HERE = os.path.dirname(os.path.abspath(__file__))
CURL_PARALLEL_MAX = 48  # as many requests in flight as trobador's 3 webhook channels (16 each)


def say(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def sizes(quick):
    rounds = int(os.environ.get("BENCH_DRAIN_ROUNDS", "3"))
    if quick:
        return {"drain": 1000, "latency": 100, "idle": 10, "backlog": 10000, "rounds": rounds}
    return {"drain": 10000, "latency": 1000, "idle": 60, "backlog": 100000, "rounds": rounds}


def summarize(started, lines):
    last = max(line[0] for line in lines) if lines else float("nan")
    seconds = last - started
    return {
        "requests": len(lines),
        "seconds": seconds,
        "per_second": len(lines) / seconds if lines else 0.0,
        "bytes": statistics.mean(line[2] for line in lines) if lines else 0,
        "connections": len({line[3] for line in lines}),
    }


def read_into_page_cache(program):
    """Reads `program` and the shared libraries it loads, so that its first run finds them in the
    page cache as its later ones do (a drain after `drop_caches` otherwise starts by reading
    trobador's binary and the libraries it loads from disk; curl's first drain comes after
    trobador's, with libcurl already read)."""
    path = shutil.which(program) or program
    listed = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    libraries = [part for line in listed.splitlines() for part in line.split() if part.startswith("/")]
    for file in [path, *libraries]:
        with open(file, "rb") as data:
            while data.read(1 << 20):
                pass


def warm_receiver(work, receiver, requests=3000):
    """Sends nginx some requests of the drain's size with curl before anything is measured. A
    fresh nginx made the first drain sent to it 8 to 18 % slower (three interleaved pairs of
    one trobador drain, nginx fresh / warmed: 5.15 / 4.74, 5.73 / 5.13, 5.25 / 4.30 s), and
    that drain was always trobador's first: curl's and Apprise's come after it."""
    config = os.path.join(work, "warm.config")
    body = curl_quote(json.dumps({"warm": "x" * 1700}))
    with open(config, "w") as out:
        out.write("\nnext\n".join(
            f'url = "{receiver.url("warm")}"\nheader = "Expect:"\ndata-binary = {body}\noutput = "/dev/null"'
            for _ in range(requests)) + "\n")
    subprocess.run(["curl", "--silent", "--show-error", "--parallel", "--parallel-max", str(CURL_PARALLEL_MAX), "--config", config],
                   check=True, stdout=subprocess.DEVNULL)


def drain_trobador(args, work, receiver, count, idle_seconds, name="drain"):
    """A drain from a fresh spool and state under work/NAME; with idle_seconds None, only the
    drain (a further round: no memory figures, no idle measure)."""
    say(f"drain: trobador, {count} posts in the inbox, 3 webhook channels")
    daemon = Daemon(args.trobador, os.path.join(work, name), [
        ("c1", receiver.url("capture/c1")), ("c2", receiver.url("c2")), ("c3", receiver.url("c3"))])
    fill_inbox(daemon.inbox, "drain", count)
    receiver.reset()
    started = daemon.start()
    try:
        lines = receiver.wait_for(3 * count, timeout=1800)
        result = summarize(started, lines)
        result["cpu_seconds"] = daemon.cpu_seconds()
        result["ready"] = daemon.wait_for_event("ready")[0] - started
        if idle_seconds is None:
            return result
        time.sleep(5)  # the last completions are written; then the daemon is idle
        result["rss_after_drain"] = daemon.memory_mib("VmRSS")
        result["anon_after_drain"] = daemon.memory_mib("RssAnon")
        if os.environ.get("BENCH_SMAPS"):  # where to copy the daemon's /proc/PID/smaps after the drain
            shutil.copyfile(f"/proc/{daemon.pid}/smaps", os.environ["BENCH_SMAPS"])
        say(f"idle: {idle_seconds} s with nothing arriving")
        result["idle"] = daemon.idle(idle_seconds)
        result["rss_idle_after_drain"] = daemon.memory_mib("VmRSS")
        result["anon_idle_after_drain"] = daemon.memory_mib("RssAnon")
    finally:
        daemon.stop()
    return result


def captured_requests(receiver):
    """The requests trobador sent to c1, as nginx received them."""
    captured = []
    with open(receiver.capture_path, "rb") as capture:
        for line in capture:
            webhook_id, stamp, signature, body = line.rstrip(b"\n").split(b"\t", 3)
            captured.append((webhook_id.decode(), stamp.decode(), signature.decode(), body))
    return captured


def replay_path(k, name):
    """The path of a replayed request to the k-th URL: the first stands for trobador's first
    channel, and goes where nginx logs its bodies as it logs trobador's (see receiver.py)."""
    return ("replay/" if k == 1 else "") + name


def drain_apprise(work, receiver, captured):
    say(f"drain: Apprise, {3 * len(captured)} requests (json://, 3 URLs, one notify() per post)")
    bodies = os.path.join(work, "apprise-bodies.jsonl")
    with open(bodies, "w") as out:
        for n, (_, _, _, body) in enumerate(captured):
            out.write(json.dumps({"title": post_title(n), "message": body.decode()}) + "\n")
    urls = [f"json://127.0.0.1:{receiver.port}/{replay_path(k, f'a{k}')}" for k in (1, 2, 3)]
    return run_client([os.path.join(HERE, ".venv", "bin", "python"), os.path.join(HERE, "apprise_drain.py"), bodies, *urls],
                      receiver, 3 * len(captured))


def curl_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def drain_curl(work, receiver, captured):
    say(f"drain: curl --parallel --parallel-max {CURL_PARALLEL_MAX}, {3 * len(captured)} requests")
    config = os.path.join(work, "curl.config")
    with open(config, "w") as out:
        entries = []
        for webhook_id, stamp, signature, body in captured:
            for k in (1, 2, 3):
                entries.append("\n".join([
                    f"url = {curl_quote(receiver.url(replay_path(k, f'k{k}')))}",
                    'header = "Content-Type: application/json"',
                    'header = "Expect:"',
                    'user-agent = "trobador"',
                    f"header = {curl_quote('webhook-id: ' + webhook_id)}",
                    f"header = {curl_quote('webhook-timestamp: ' + stamp)}",
                    f"header = {curl_quote('webhook-signature: ' + signature)}",
                    f"data-binary = {curl_quote(body.decode())}",
                    'output = "/dev/null"',
                ]))
        out.write("\nnext\n".join(entries) + "\n")
    command = ["curl", "--silent", "--show-error", "--no-progress-meter", "--parallel", "--parallel-max", str(CURL_PARALLEL_MAX), "--config", config]
    return run_client(command, receiver, 3 * len(captured))


def run_client(command, receiver, expected):
    receiver.reset()
    started = time.time()
    process = subprocess.Popen(command)
    lines = []
    while process.poll() is None:
        lines.extend(receiver.new_lines())
        time.sleep(0.05)
    time.sleep(0.2)
    lines.extend(receiver.new_lines())
    if process.returncode != 0:
        say(f"{command[0]} exited with {process.returncode}")
    if len(lines) != expected:
        say(f"{command[0]}: {len(lines)} requests arrived of {expected}")
    return summarize(started, lines)


def latency(args, work, receiver, count):
    say(f"latency: {count} posts, one at a time, 1 webhook channel")
    daemon = Daemon(args.trobador, os.path.join(work, "latency"), [("l1", receiver.url("l1"))])
    daemon.start()
    samples = []
    try:
        daemon.wait_for_event("ready")
        time.sleep(2)
        rss_idle = daemon.memory_mib("VmRSS")
        anon_idle = daemon.memory_mib("RssAnon")
        receiver.reset()
        for n in range(count):
            temporary = os.path.join(daemon.inbox, f".latency-{n:06d}.md.tmp")
            with open(temporary, "w") as out:
                out.write(post_text("latency", n))
            renamed = time.time()
            os.rename(temporary, os.path.join(daemon.inbox, f"latency-{n:06d}.md"))
            deadline = renamed + 30
            arrived = []
            # Read every 5 ms: the time is nginx's, in the line, however late it is read, and a
            # harness reading the log without pause took a core from the daemon it measures.
            while not arrived and time.time() < deadline:
                arrived = receiver.new_lines()
                if not arrived:
                    time.sleep(0.005)
            if not arrived:
                say(f"latency: post {n} did not arrive within 30 s")
                continue
            samples.append((arrived[0][0] - renamed) * 1000)
            time.sleep(0.02)  # its completion is written; the daemon is idle again
    finally:
        daemon.stop()
    samples.sort()
    percentile = lambda p: samples[min(len(samples) - 1, int(round(p / 100 * len(samples) + 0.5)) - 1)]
    return {"count": len(samples), "p50": percentile(50), "p99": percentile(99), "max": samples[-1], "rss_idle": rss_idle,
            "anon_idle": anon_idle}


def backlog(args, work, receiver, count):
    say(f"backlog: writing {count} posts into the inbox")
    daemon = Daemon(args.trobador, os.path.join(work, "backlog"), [
        ("b1", receiver.url("b1")), ("b2", receiver.url("b2")), ("b3", receiver.url("b3"))])
    fill_inbox(daemon.inbox, "backlog", count)
    say(f"backlog: starting trobador on {count} files")
    receiver.reset()
    started = daemon.start()
    try:
        ready = daemon.wait_for_event("ready")[0]
        accepted = daemon.wait_for_event("accepted", count=count, timeout=1800)
        result = {
            "ready": ready - started,
            "accepted": len(accepted),
            "all_accepted": (accepted[-1] - started) if accepted else float("nan"),
            "hwm": daemon.memory_mib("VmHWM"),
            "anon": daemon.memory_mib("RssAnon"),
            "delivered_meanwhile": len(receiver.new_lines()),
        }
    finally:
        daemon.stop()
    return result


def verdict(ok):
    return "met" if ok else "NOT met"


def table(n, drain, apprise, curl, lat, backlog_result):
    idle = drain["idle"]
    rounds = drain["rounds"]
    seconds = statistics.median(own for own, _ in rounds)
    curl_seconds = statistics.median(theirs for _, theirs in rounds)
    # Rates are requests per second: the ratio of rates is the inverse ratio of times.
    to_apprise = apprise["seconds"] / seconds
    to_curl = statistics.median(theirs / own for own, theirs in rounds)
    requests = 3 * n["drain"]
    rows = [
        ("Measure", "trobador", "Apprise", "curl --parallel", "Target", ""),
        (f"Drain: {requests:,} requests, start to last at nginx (s); median of {len(rounds)}", f"{seconds:.2f}",
         f"{apprise['seconds']:.2f} (one run)", f"{curl_seconds:.2f}", "", ""),
        ("Drain: each round, trobador then curl (s)", ", ".join(f"{own:.2f}" for own, _ in rounds), "",
         ", ".join(f"{theirs:.2f}" for _, theirs in rounds), "", ""),
        ("Drain: requests per second", f"{requests / seconds:,.0f}", f"{apprise['per_second']:,.0f}",
         f"{requests / curl_seconds:,.0f}", "", ""),
        ("Drain: trobador's rate ÷ this one (curl: median of the rounds' ratios)", "1", f"{to_apprise:.1f}×",
         # Three decimals: at two, 0.496 read "0.50×" beside "NOT met".
         f"{to_curl:.3f}× ({', '.join(f'{theirs / own:.3f}' for own, theirs in rounds)})", "≥ 10× Apprise, ≥ 0.5× curl",
         verdict(to_apprise >= 10 and to_curl >= 0.5)),
        ("Drain: requests received / connections used", f"{drain['requests']:,} / {drain['connections']}",
         f"{apprise['requests']:,} / {apprise['connections']}", f"{curl['requests']:,} / {curl['connections']}", "", ""),
        ("Drain: mean request size at nginx (bytes)", f"{drain['bytes']:,.0f}", f"{apprise['bytes']:,.0f}",
         f"{curl['bytes']:,.0f}", "", ""),
        (f"Latency, rename to request at nginx, {lat['count']} posts: p50 / p99 / max (ms)",
         f"{lat['p50']:.1f} / {lat['p99']:.1f} / {lat['max']:.1f}", "", "", "p50 ≤ 5, p99 ≤ 50",
         verdict(lat["p50"] <= 5 and lat["p99"] <= 50)),
        (f"Idle: CPU over {n['idle']} s (%)", f"{idle['cpu_percent']:.3f}", "", "", "< 0.5 %", verdict(idle["cpu_percent"] < 0.5)),
        ("Idle: wake-ups per second (context switches, all threads)", f"{idle['wakeups_per_s']:.2f}"
         + (f" ({idle['threads_ended']} threads ended meanwhile)" if idle["threads_ended"] else ""), "", "", "< 5",
         verdict(idle["wakeups_per_s"] < 5)),
        # The target is for an idle daemon: fresh, and once the idle measure above is over;
        # 5 s after the drain's last request, when it has barely stopped, is shown beside them.
        (f"Resident memory (VmRSS): idle fresh / 5 s after the drain / after {n['idle']} s idle (MiB)",
         f"{lat['rss_idle']:.1f} / {drain['rss_after_drain']:.1f} / {drain['rss_idle_after_drain']:.1f}", "", "", "< 30 MiB",
         verdict(max(lat["rss_idle"], drain["rss_idle_after_drain"]) < 30)),
        ("  of which private (RssAnon), not shared library pages (MiB)",
         f"{lat['anon_idle']:.1f} / {drain['anon_after_drain']:.1f} / {drain['anon_idle_after_drain']:.1f}", "", "", "", ""),
        (f"Backlog: {n['backlog']:,} files, start to ready (s)", f"{backlog_result['ready']:.2f}", "", "", "", ""),
        (f"Backlog: start to all accepted (s)", f"{backlog_result['all_accepted']:.1f}"
         + ("" if backlog_result["accepted"] == n["backlog"] else f" (only {backlog_result['accepted']:,})"),
         "", "", "≤ 60 s", verdict(backlog_result["accepted"] == n["backlog"] and backlog_result["all_accepted"] <= 60)),
        ("Backlog: peak memory, VmHWM (MiB); private at the end", f"{backlog_result['hwm']:.1f}; {backlog_result['anon']:.1f}",
         "", "", "< 200 MiB",
         verdict(backlog_result["hwm"] < 200)),
        ("Backlog: requests delivered meanwhile", f"{backlog_result['delivered_meanwhile']:,}", "", "", "", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trobador", required=True)
    parser.add_argument("--nginx", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["drain", "latency", "backlog"], help="run one measure (for profiling)")
    args = parser.parse_args()
    n = sizes(args.quick)
    work = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="trobador-bench-")
    # mkdtemp makes it 0700; nginx's worker runs as nobody and must reach its html/ below it
    # (otherwise every request is a 404 and the drain waits for requests that never come).
    os.chmod(work, 0o755)
    os.makedirs(work, exist_ok=True)
    say(f"working in {work}")
    receiver = Receiver(args.nginx, os.path.join(work, "nginx"))
    try:
        for program in (args.trobador, "curl"):
            read_into_page_cache(program)
        warm_receiver(work, receiver)
        if args.only == "drain":
            print(json.dumps(drain_trobador(args, work, receiver, n["drain"], idle_seconds=1), indent=1))
            return
        if args.only == "latency":
            print(json.dumps(latency(args, work, receiver, n["latency"]), indent=1))
            return
        if args.only == "backlog":
            print(json.dumps(backlog(args, work, receiver, n["backlog"]), indent=1))
            return
        drain = drain_trobador(args, work, receiver, n["drain"], n["idle"])
        captured = captured_requests(receiver)
        apprise = drain_apprise(work, receiver, captured)
        curl = drain_curl(work, receiver, captured)
        # Further rounds of the two short drains, each trobador drain followed by curl's: on a
        # shared machine one 5-second drain can take half as long again as the next; the
        # table gives the median of each, and each ratio to curl is of a pair run side by side.
        rounds = [(drain["seconds"], curl["seconds"])]
        for number in range(2, n["rounds"] + 1):
            say(f"drain: round {number} of {n['rounds']}")
            again = drain_trobador(args, work, receiver, n["drain"], None, name=f"drain-{number}")
            rounds.append((again["seconds"], drain_curl(work, receiver, captured)["seconds"]))
        drain["rounds"] = rounds
        lat = latency(args, work, receiver, n["latency"])
        backlog_result = backlog(args, work, receiver, n["backlog"])
        with open(os.path.join(work, "results.json"), "w") as out:
            json.dump({"sizes": n, "drain": drain, "apprise": apprise, "curl": curl, "latency": lat, "backlog": backlog_result},
                      out, indent=1)
        print(table(n, drain, apprise, curl, lat, backlog_result))
    finally:
        receiver.stop()
        if not os.environ.get("BENCH_WORK") and os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
