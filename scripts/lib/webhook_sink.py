#!/usr/bin/env python3
"""A local webhook receiver for the demo (a stand-in for Zapier's Catch Hook).

Appends each accepted POST body as one line to --output and answers {"status": "success"}.
With --fail-first N it answers 503 to the first N attempts of each Idempotency-Key, to show
the notifier's retries. Listens on 127.0.0.1 only.
"""
import argparse
import collections
import http.server
import signal
import threading


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=55434, help="port on 127.0.0.1 (default 55434)")
    parser.add_argument("--output", required=True, help="file that receives one JSON line per accepted POST")
    parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to the first N attempts of each key (default 0)")
    args = parser.parse_args()
    # A parent that ignores SIGTERM (a Swift service trapping signals) passes that on: restore it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    attempts = collections.Counter()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        # Keep-alive, and no Nagle delay between the header and body writes (40 ms each otherwise).
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                attempts[key] += 1
                failing = attempts[key] <= args.fail_first
                if not failing:
                    with open(args.output, "ab") as output:
                        output.write(body.replace(b"\n", b" ") + b"\n")
            answer = b'{"status": "retry later"}' if failing else b'{"status": "success"}'
            self.send_response(503 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
