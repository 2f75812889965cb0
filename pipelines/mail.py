"""Mail through the configured SMTP relay (BOLIGMONITOR_SMTP_HOST, _PORT, _FROM).

One place for the relay settings, shared by the failed-night mails
(pipelines/failures.py) and the signal-change alerts (pipelines/alerts.py).
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage


def smtp_host() -> str | None:
    """The relay, or None when no mail is to be sent."""
    return os.environ.get("BOLIGMONITOR_SMTP_HOST") or None


def send_mail(to: list[str] | str, subject: str, body: str) -> bool:
    """Send one plain-text mail; False when no relay is configured."""
    host = smtp_host()
    if not host or not to:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("BOLIGMONITOR_SMTP_FROM", "boligmonitor@localhost")
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message.set_content(body)
    port = int(os.environ.get("BOLIGMONITOR_SMTP_PORT", "25"))
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        smtp.send_message(message)
    return True
