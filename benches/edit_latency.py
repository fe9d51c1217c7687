#!/usr/bin/env python3
"""One edit under `dossier serve`, timed as a browser sees it: listens on the live-reload event stream
(as the injected script does), appends LINE to FILE, and prints the milliseconds until the "reload"
event arrives and until the page PATH has been fetched again after it.

    edit_latency.py PORT FILE LINE PATH
"""
import http.client
import sys
import time

port, file, line, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
events.request("GET", "/__dossier/events")
stream = events.getresponse()


def next_event():
    name = None
    while True:
        raw = stream.fp.readline()
        if not raw:
            raise SystemExit("event stream closed")
        text = raw.decode().strip()
        if text.startswith("event:"):
            name = text.split(":", 1)[1].strip()
        elif text == "" and name:
            return name


next_event()  # the state on connecting ("ok")
start = time.perf_counter()
with open(file, "a", encoding="utf-8") as f:
    f.write("\n" + line + "\n")
while next_event() != "reload":
    pass
reloaded = time.perf_counter()
page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
page.request("GET", path)
page.getresponse().read()
fetched = time.perf_counter()
print(f"reload event {1000 * (reloaded - start):.0f} ms, page fetched {1000 * (fetched - start):.0f} ms")
