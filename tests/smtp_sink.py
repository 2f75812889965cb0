"""A minimal SMTP server on 127.0.0.1 for tests: it accepts every mail and keeps it.

Enough of RFC 5321 for Python's smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT); no extensions, no authentication. Each received mail is kept as
(envelope recipients, parsed message).
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


class SmtpSink:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept
        except OSError:
            pass
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:  # closed
                return
            with client, client.makefile("rb") as lines:
                self._session(client, lines)

    def _session(self, client: socket.socket, lines) -> None:
        client.sendall(b"220 sink ready\r\n")
        recipients: list[str] = []
        for raw in lines:
            command = raw.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO", "MAIL", "RSET", "NOOP"):
                if verb == "RSET":
                    recipients = []
                client.sendall(b"250 ok\r\n")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                client.sendall(b"250 ok\r\n")
            elif verb == "DATA":
                client.sendall(b"354 go ahead\r\n")
                body = bytearray()
                for line in lines:
                    if line in (b".\r\n", b".\n"):
                        break
                    body += line[1:] if line.startswith(b"..") else line
                message = message_from_bytes(bytes(body), policy=policy.default)
                self.mails.append((recipients, message))
                recipients = []
                client.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                client.sendall(b"221 bye\r\n")
                return
            else:
                client.sendall(b"502 not implemented\r\n")
