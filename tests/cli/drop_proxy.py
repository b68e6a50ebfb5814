#!/usr/bin/env python3
"""An HTTP proxy for the delivery tests: forwards each request to pjm serve and reads serve's
whole reply, then, for the first --drop-each requests carrying a given body, closes the
client's connection without answering (the message was applied, the client never hears of it);
later requests with that body get serve's reply. Every request is logged as one JSON line:
{"n", "method", "path", "key" (the Idempotency-Key header or null), "body", "status" (serve's),
"dropped"}. --delay pauses after serve's reply, before answering (a flush is then slow
enough to kill mid-way, most likely while a message is applied but not yet acknowledged).
--refuse-batch answers POSTs to pjm serve's batch route (…/messages/batch) 404 itself, as a
manager without that route (a real Abaco) does: the client then sends messages one by one.

  drop_proxy.py --target http://127.0.0.1:PORT --port-file F --log L [--drop-each K] [--delay S]
                [--refuse-batch]

The proxy listens on a free port of 127.0.0.1 and writes it to --port-file once it listens.
"""
import argparse
import collections
import http.client
import http.server
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
              "te", "trailer", "content-length", "host"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--drop-each", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--refuse-batch", action="store_true")
    args = ap.parse_args()
    target = urllib.parse.urlsplit(args.target)
    lock = threading.Lock()
    seen = collections.Counter()  # requests per body
    count = [0]
    log = open(args.log, "a", encoding="utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):  # quiet: the JSON log says what happened
            pass

        def relay(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                count[0] += 1
                n = count[0]
                seen[body] += 1
                drop = self.command == "POST" and seen[body] <= args.drop_each
            if args.refuse_batch and self.path.split("?")[0].rstrip("/").endswith("/messages/batch"):
                with lock:
                    log.write(json.dumps({"n": n, "method": self.command, "path": self.path,
                                          "key": None, "body": body.decode("utf-8", "replace"),
                                          "status": 404, "dropped": False}) + "\n")
                    log.flush()
                data = json.dumps({"status": "error", "message": "Not found", "result": None,
                                   "version": "proxy"}).encode()
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            try:
                upstream.request(self.command, self.path, body or None, headers)
                reply = upstream.getresponse()
                data = reply.read()  # serve's whole reply: the message was handled
            except OSError as e:
                with lock:
                    log.write(json.dumps({"n": n, "method": self.command, "path": self.path,
                                          "key": self.headers.get("Idempotency-Key"),
                                          "body": body.decode("utf-8", "replace"),
                                          "status": None, "dropped": False,
                                          "error": str(e)}) + "\n")
                    log.flush()
                self.send_error(502)
                return
            finally:
                upstream.close()
            if args.delay:
                time.sleep(args.delay)
            with lock:
                log.write(json.dumps({"n": n, "method": self.command, "path": self.path,
                                      "key": self.headers.get("Idempotency-Key"),
                                      "body": body.decode("utf-8", "replace"),
                                      "status": reply.status, "dropped": drop}) + "\n")
                log.flush()
            if drop:
                # No reply at all: the client sees its connection closed mid-request.
                self.close_connection = True
                return
            self.send_response(reply.status)
            for k, v in reply.getheaders():
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = relay
        do_POST = relay

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
