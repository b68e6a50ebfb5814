#!/usr/bin/env python3
"""A TLS front for pjm serve, for the end-to-end tests: accepts TLS connections with the
given certificate and key, and relays the bytes both ways to a plain-HTTP backend.

    tls_proxy.py CERT KEY BACKEND_PORT PORT_FILE

It listens on a free port of 127.0.0.1, writes that port to PORT_FILE once it is ready, and
runs until killed. A client that fails the TLS handshake (it does not trust the certificate)
is simply dropped; nothing reaches the backend.
"""
import os
import socket
import ssl
import sys
import threading


def relay(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve_one(raw, context, backend_port):
    try:
        client = context.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        raw.close()
        return
    backend = socket.create_connection(("127.0.0.1", backend_port))
    threading.Thread(target=relay, args=(backend, client), daemon=True).start()
    relay(client, backend)


def main():
    cert, key, backend_port, port_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve_one, args=(raw, context, backend_port), daemon=True).start()


if __name__ == "__main__":
    main()
