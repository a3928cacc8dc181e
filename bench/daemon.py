"""The trobador daemon under measurement: a spool and configuration of its own, its log in a
file, and what /proc says of it (CPU time, context switches, memory)."""

import datetime
import os
import signal
import subprocess
import time

SECRET = "whsec_" + "YmVuY2gtc2VjcmV0LWZvci1sb29wYmFjay1vbmx5"  # signs requests to 127.0.0.1 only

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def write_config(directory, channels):
    """A configuration with one signed `webhook` channel per (name, url); all are defaults."""
    lines = [
        "[spool]", f'dir = "{directory}/spool"', "",
        "[state]", f'path = "{directory}/state/state.sqlite"', "",
        "[delivery]", "defaults = [" + ", ".join(f'"{name}"' for name, _ in channels) + "]", "",
    ]
    for name, url in channels:
        lines += ["[[channel]]", f'name = "{name}"', 'type = "webhook"', f'url = "{url}"', f'secret = "{SECRET}"', ""]
    path = os.path.join(directory, "trobador.toml")
    with open(path, "w") as out:
        out.write("\n".join(lines))
    os.chmod(path, 0o600)  # a literal secret in a file others can read is a warning
    return path


def log_time(line):
    """The `ts=` of a logfmt line, as seconds since the epoch."""
    stamp = line.split(b" ", 1)[0][3:].decode()
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Daemon:
    def __init__(self, binary, directory, channels):
        self.directory = directory
        self.inbox = os.path.join(directory, "spool", "inbox")
        os.makedirs(self.inbox, exist_ok=True)
        self.config = write_config(directory, channels)
        self.binary = binary
        self.log_path = os.path.join(directory, "daemon.log")
        self.process = None
        self.log_offset = 0
        self.partial = b""

    def start(self):
        """Starts the daemon and returns the moment it was started."""
        self.log = open(self.log_path, "wb")
        started = time.time()
        # BENCH_PROFILE: a command prefix for profiling (perf record ... --); the /proc
        # figures are then the profiler's, not the daemon's.
        prefix = os.environ.get("BENCH_PROFILE", "").split()
        self.process = subprocess.Popen(
            prefix + [self.binary, "run", "--config", self.config], stdout=subprocess.DEVNULL, stderr=self.log, cwd=self.directory)
        return started

    @property
    def pid(self):
        return self.process.pid

    def new_lines(self):
        with open(self.log_path, "rb") as log:
            log.seek(self.log_offset)
            data = log.read()
        self.log_offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        return lines

    def wait_for_event(self, event, count=1, timeout=600):
        """Reads the log until `count` lines with `event=EVENT` were seen; returns their times."""
        needle = b" event=" + event.encode() + b" "
        times = []
        deadline = time.time() + timeout
        while len(times) < count and time.time() < deadline:
            lines = self.new_lines()
            if not lines:
                if self.process.poll() is not None:
                    raise SystemExit(f"trobador exited with {self.process.returncode}; see {self.log_path}")
                time.sleep(0.005)
                continue
            times.extend(log_time(line) for line in lines if needle in line)
        return times

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def context_switches(self):
        """Voluntary and involuntary switches of each thread alive now, by thread id."""
        switches = {}
        for task in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{task}/status") as status:
                    switches[task] = sum(
                        int(line.split()[1]) for line in status
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
            except FileNotFoundError:
                pass
        return switches

    def memory_mib(self, key):
        """VmRSS or VmHWM in MiB."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def idle(self, seconds):
        """CPU time and context switches over `seconds` with nothing arriving."""
        cpu, before = self.cpu_seconds(), self.context_switches()
        time.sleep(seconds)
        after = self.context_switches()
        # A thread that ended meanwhile takes its count with it: said, not hidden.
        ended = len(set(before) - set(after))
        return {
            "cpu_percent": 100 * (self.cpu_seconds() - cpu) / seconds,
            "wakeups_per_s": sum(count - before.get(task, 0) for task, count in after.items()) / seconds,
            "threads": len(after),
            "threads_ended": ended,
        }

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
