"""Sends the drain's requests through Apprise's Python API, the way a team would script it:
one Apprise object holding the three `json://` URLs, one `notify()` per post.

usage: apprise_drain.py BODIES_FILE URL...   (BODIES_FILE: one JSON object per line, with
`title` and `message`; each URL is an Apprise URL such as json://127.0.0.1:8080/a1)"""

import json
import sys

import apprise


def main():
    bodies_file, urls = sys.argv[1], sys.argv[2:]
    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            raise SystemExit(f"Apprise refused the URL {url}")
    failures = 0
    with open(bodies_file) as bodies:
        for line in bodies:
            item = json.loads(line)
            if not notifier.notify(title=item["title"], body=item["message"]):
                failures += 1
    if failures:
        print(f"apprise: {failures} notify() calls reported a failure", file=sys.stderr)


if __name__ == "__main__":
    main()
