#!/usr/bin/env python3
"""bodies.py: a test's own HTTP server for bodies that never end.

    GET /endless/NAME   200, chunked, 1 MiB chunks until the client leaves
    GET /huge/NAME      200, Content-Length 1 TiB, then as /endless
    GET /big/NAME       200, exactly --size bytes (Content-Length), a
                        pattern that depends on NAME

Listens on 127.0.0.1 on a free port and prints 'listening on URL'; one
thread per connection; runs until killed (the test tracks its PID).
"""
import argparse
import http.server
import socketserver
import sys
import zlib

CHUNK = 1 << 20


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        kind, _, name = self.path.lstrip("/").partition("/")
        seed = zlib.crc32(name.encode()) & 0xFF
        block = bytes((seed + k) & 0xFF for k in range(256)) * (CHUNK // 256)
        try:
            if kind == "endless":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                frame = b"%x\r\n" % len(block) + block + b"\r\n"
                while True:
                    self.wfile.write(frame)
            elif kind == "huge":
                self.send_response(200)
                self.send_header("Content-Length", str(1 << 40))
                self.end_headers()
                while True:
                    self.wfile.write(block)
            elif kind == "big":
                self.send_response(200)
                self.send_header("Content-Length", str(self.server.size))
                self.end_headers()
                left = self.server.size
                while left > 0:
                    n = min(left, len(block))
                    self.wfile.write(block[:n])
                    left -= n
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


# socketserver.TCPServer, not http.server.HTTPServer: HTTPServer looks up its
# address's name (socket.getfqdn), which in a root with no /etc/hosts waits
# on DNS, 10 s and more where no DNS server answers.
class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=48 << 20, help="bytes of each /big/ body")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.size = args.size
    print("listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
