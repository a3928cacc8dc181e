"""nginx on 127.0.0.1 as the receiving end: its own prefix and configuration in a temporary
directory, every POST answered 204 once its body has been read, and one access-log line per
request with `$msec` (when nginx handled it, millisecond resolution) to count and time them."""

import os
import signal
import socket
import subprocess
import time

CONFIG = """\
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    # When nginx handled the request, the path, the bytes received (request line, headers
    # and body), and the connection's serial number.
    log_format bench '$msec $request_uri $request_length $connection';
    # The exact bytes a client sent, to replay them with curl and Apprise.
    log_format capture escape=none '$http_webhook_id\\t$http_webhook_timestamp\\t$http_webhook_signature\\t$request_body';
    client_body_buffer_size 1m;
    client_max_body_size 1m;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/html;
        # `return` alone would answer before the body is read. The mirror (to a location that
        # answers at once) makes nginx read the whole body first; the static module then
        # refuses the POST with 405, which error_page turns into a plain 204, logged where it
        # ends.
{locations}
        location = /sink {{ internal; return 204; }}
    }}
}}
"""


def body_reading_location(path, name, prefix, logs):
    """The `location` for `path` and its named location `@name`: the body read whole, a 204,
    and a line in each of `logs` (access-log format, file name) once done."""
    written = "".join(f"            access_log {prefix}/{file} {form};\n" for form, file in logs)
    return (f"        location {path} {{\n"
            "            mirror /sink;\n"
            "            mirror_request_body on;\n"
            "            try_files /ok =404;\n"
            f"            error_page 405 =204 @{name};\n"
            "        }\n"
            f"        location @{name} {{\n{written}            return 204;\n        }}\n")


def locations(prefix):
    return "".join([
        body_reading_location("/", "answered", prefix, [("bench", "access.log")]),
        # Trobador's first channel: the bodies, to replay them with curl and Apprise.
        body_reading_location("/capture/", "captured", prefix, [("bench", "access.log"), ("capture", "capture.log")]),
        # The same work for the replays of curl and Apprise: a third of their requests (those
        # standing for trobador's first channel) have their bodies logged the same way, so
        # nginx does as much for every contender's requests.
        body_reading_location("/replay/", "replayed", prefix, [("bench", "access.log"), ("capture", "replay.log")]),
    ])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """One nginx process; `requests()` reads the access log from the last `reset()`."""

    def __init__(self, nginx, prefix):
        self.prefix = prefix
        self.port = free_port()
        os.makedirs(os.path.join(prefix, "html"), exist_ok=True)
        os.makedirs(os.path.join(prefix, "body"), exist_ok=True)
        open(os.path.join(prefix, "html", "ok"), "w").close()
        self.config = os.path.join(prefix, "nginx.conf")
        with open(self.config, "w") as out:
            out.write(CONFIG.format(prefix=prefix, port=self.port, locations=locations(prefix)))
        self.log_path = os.path.join(prefix, "access.log")
        self.capture_path = os.path.join(prefix, "capture.log")
        open(self.log_path, "w").close()
        self.process = subprocess.Popen([nginx, "-p", prefix, "-c", self.config], stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("nginx did not start: " + self.process.stderr.read().decode())
                time.sleep(0.05)
        self.offset = 0
        self.reset()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def reset(self):
        """Forget the requests so far."""
        self.offset = os.path.getsize(self.log_path)
        self.partial = b""

    def new_lines(self):
        """Access-log lines written since the last call, as (msec, path, bytes, connection)."""
        with open(self.log_path, "rb") as log:
            log.seek(self.offset)
            data = log.read()
        self.offset += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        parsed = []
        for line in lines:
            msec, path, length, connection = line.split(b" ")
            parsed.append((float(msec), path.decode(), int(length), int(connection)))
        return parsed

    def wait_for(self, count, timeout, interval=0.05):
        """Reads lines every `interval` seconds until `count` requests arrived or `timeout`
        seconds passed. The times are nginx's, written in each line, so reading less often
        changes none of them; reading continuously (as this did until the ninth session)
        kept a core busy in the harness while the daemon it measures needs both."""
        seen = []
        deadline = time.time() + timeout
        while len(seen) < count and time.time() < deadline:
            seen.extend(self.new_lines())
            if len(seen) < count:
                time.sleep(interval)
        return seen

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
