"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in a thread), with optional STARTTLS,
implicit TLS and login, and a self-signed certificate made on the spot."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (IP SAN) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class MailServer:
    """Records every accepted message (raw bytes as received) and whether TLS and login were used."""

    def __init__(
        self,
        *,
        port: int | None = None,
        cert: tuple[Path, Path] | None = None,
        implicit_tls: bool = False,
        users: dict[str, str] | None = None,
    ):
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        outer = self
        self.port = port or free_port()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with outer.lock:
                    outer.messages.append(
                        {
                            "raw": envelope.original_content or envelope.content,
                            "from": envelope.mail_from,
                            "to": list(envelope.rcpt_tos),
                            "tls": server.transport.get_extra_info("ssl_object") is not None,
                            "login": session.auth_data,
                        }
                    )
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, data):
            ok = (
                isinstance(data, LoginPassword)
                and (users or {}).get(data.login.decode()) == data.password.decode()
            )
            return AuthResult(success=ok, handled=False, auth_data=data.login.decode() if ok else None)

        ctx = None
        if cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*map(str, cert))
        kwargs: dict = {}
        if users is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=True)
        if ctx and not implicit_tls:
            kwargs["tls_context"] = ctx
        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=ctx if implicit_tls else None,
            **kwargs,
        )
        self.controller.start()

    def parsed(self) -> list[EmailMessage]:
        with self.lock:
            return [message_from_bytes(m["raw"], policy=policy.default) for m in self.messages]

    def close(self) -> None:
        self.controller.stop()
