#!/usr/bin/env python3
"""gallery.py: a test's own HTTP server shaped like the course's image API.

Every request must carry 'Authorization: Client-ID <--token>' or gets
401. The index, GET /3/gallery, is

    {"data": {"items": [{"id", "type", "media": {"href", "size"}}, ...]}}

with --items items: every third a video/mp4, the rest image/png or
image/jpeg; GET /media/NAME serves a body of the size the index states.
Listens on 127.0.0.1 on a free port and prints 'listening on URL'; runs
until killed (the test tracks its PID). Each request's Authorization
header is appended to --log, so the test can see every transfer sent it.
"""
import argparse
import http.server
import json
import socketserver
import sys


def body(name, size):
    return bytes((len(name) * 7 + k) & 0xFF for k in range(size))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--token", required=True)
    ap.add_argument("--items", type=int, default=9)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    items = []
    for k in range(args.items):
        kind = "video/mp4" if k % 3 == 2 else ("image/png" if k % 2 else "image/jpeg")
        items.append({"id": f"m{k}", "type": kind,
                      "media": {"href": f"/media/m{k}.bin", "size": 1000 + 37 * k}})
    sizes = {i["media"]["href"]: i["media"]["size"] for i in items}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def reply(self, code, data, ctype="application/octet-stream"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            auth = self.headers.get("Authorization", "")
            with open(args.log, "a") as f:
                f.write(f"{self.path} {auth}\n")
            if auth != f"Client-ID {args.token}":
                return self.reply(401, b'{"error":"unauthorized"}', "application/json")
            if self.path == "/3/gallery":
                return self.reply(200, json.dumps({"data": {"items": items}}).encode(),
                                  "application/json")
            if self.path in sizes:
                return self.reply(200, body(self.path, sizes[self.path]))
            return self.reply(404, b"")

    class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):  # not HTTPServer: see bodies.py
        daemon_threads = True
        allow_reuse_address = True

    srv = Server(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{srv.server_address[1]}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
