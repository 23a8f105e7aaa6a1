"""The portal's own settings: public base URL, sender, rate limits, cookie security."""

from __future__ import annotations

from dataclasses import dataclass

from optout.mail.messages import DEFAULT_SENDER


@dataclass(frozen=True, slots=True)
class PortalConfig:
    """How one portal instance behaves (the secret and transports come from Settings)."""

    base_url: str = "http://127.0.0.1:8000"
    mail_from: str = DEFAULT_SENDER
    ip_limit_per_minute: int = 20  # submissions (form, resend, API) per client IP; 0: off
    address_limit_per_hour: int = 5  # emails to one address; further ones are not sent; 0: off
    secure_cookies: bool = False  # set on HTTPS deployments
    sender_batch: int = 200  # messages per sender round (two short transactions a round)
    sender_process: bool = False  # deliver mail from a child process (``optout serve`` does)
    sender_poll_s: float = 5.0
    sender_gather_s: float = 0.25  # after a wake-up, wait for more mail before a round
    sender_base_delay_s: float = 1.0
    sender_max_delay_s: float = 300.0

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
