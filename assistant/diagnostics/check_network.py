"""The network checks below HTTP: `dns`, `tcp` and `tls`, each ending within its time budget.

`requests` reports all three layers as one "connection error"; here each is asked on its own so the report can
say which one broke. With a proxy configured, name resolution and the TCP connection to Jira are the proxy's
business: `dns` and `tcp` then check the proxy itself, and `tls` runs through the proxy's CONNECT tunnel, as
the product's session does.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.diagnostics import tls_probe
from assistant.diagnostics.context import DiagnosticContext
from assistant.diagnostics.model import Outcome
from assistant.jira.problems import Evidence, JiraProblem

INTERNAL_SUFFIXES = (".local", ".internal", ".corp", ".lan", ".intranet", ".localdomain", ".home.arpa")
EXPIRY_WARNING = dt.timedelta(days=14)
# The agent route itself is the finding's remedy; the detail only says what it means here.
OUTSIDE = "a connector running outside this network cannot reach it"


@dataclass(frozen=True)
class Facts(Evidence):
    """Evidence that is not an HTTP answer (addresses, connection attempts, certificates), as redacted facts."""

    facts: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        shown: dict[str, object] = {"request": self.request}
        if self.status:
            shown["status"] = self.status
        shown.update(self.facts)
        return shown


# dns ------------------------------------------------------------------------------------------------------


def check_dns(ctx: DiagnosticContext) -> Outcome:
    if ctx.proxy:
        return _check_proxy_dns(ctx)
    host = ctx.host
    if _ip(host) is not None:
        ctx.addresses = [host]
        detail = f"{host} is an IP address; nothing to resolve"
    else:
        ctx.addresses = _resolve_or_fail(host, ctx.port, ctx.timeout, "DNS_NOT_FOUND", f"the host {host}")
        detail = f"{host} resolves to {', '.join(ctx.addresses)}"
    evidence = {"host": host, "addresses": list(ctx.addresses)}
    reasons = internal_reasons(host, ctx.addresses)
    if reasons:
        ctx.internal_only = True
        return Outcome.warned("NETWORK_INTERNAL_ONLY", f"{detail}; {'; '.join(reasons)}: {OUTSIDE}", evidence)
    return Outcome.passed(detail, evidence)


def _check_proxy_dns(ctx: DiagnosticContext) -> Outcome:
    proxy_host, proxy_port = _proxy_address(ctx)
    note = f"through the proxy {proxy_host}:{proxy_port}, which resolves {ctx.host} itself"
    if _ip(proxy_host) is not None:
        ctx.addresses = [proxy_host]
    else:
        ctx.addresses = _resolve_or_fail(
            proxy_host, proxy_port, ctx.timeout, "PROXY_UNREACHABLE", f"the proxy host {proxy_host}"
        )
    detail = f"{note}; the proxy is at {', '.join(ctx.addresses)}"
    evidence = {"host": ctx.host, "proxy": f"{proxy_host}:{proxy_port}", "proxy_addresses": list(ctx.addresses)}
    reasons = internal_reasons(ctx.host, [ctx.host] if _ip(ctx.host) is not None else [])
    if reasons:
        ctx.internal_only = True
        return Outcome.warned("NETWORK_INTERNAL_ONLY", f"{detail}; {'; '.join(reasons)}: {OUTSIDE}", evidence)
    return Outcome.passed(detail, evidence)


def internal_reasons(host: str, addresses: list[str]) -> list[str]:
    """Why the host looks reachable only inside a private network; empty when nothing says so."""
    reasons: list[str] = []
    name = host.lower().rstrip(".")
    if _ip(name) is None:
        if "." not in name:
            reasons.append(f"{host} is a name without a domain, known only to a local resolver")
        elif name.endswith(INTERNAL_SUFFIXES):
            reasons.append(f"{host} ends in .{name.rsplit('.', 1)[1]}, a suffix only internal resolvers know")
    private = [address for address in addresses if not _is_public(address)]
    if private:
        reasons.append(f"{', '.join(private)} {'is' if len(private) == 1 else 'are'} not a public internet address")
    return reasons


def resolve(host: str, port: int, budget: float) -> list[str]:
    """The host's addresses, in the resolver's order, within `budget` seconds.

    `getaddrinfo` has no timeout and a broken resolver can block it for a long time, so it runs in a daemon
    thread that is abandoned when the budget is spent (it holds nothing but the answer it may still get).
    """
    answer: list[str] = []
    failure: list[OSError] = []
    done = threading.Event()

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            answer.extend(dict.fromkeys(str(info[4][0]) for info in infos))
        except OSError as exc:
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    if not done.wait(budget):
        raise TimeoutError(f"the resolver gave no answer within {budget:.1f} s")
    if failure:
        raise failure[0]
    return answer


def _resolve_or_fail(host: str, port: int, budget: float, code: str, what: str) -> list[str]:
    try:
        addresses = resolve(host, port, budget)
    except TimeoutError as exc:
        raise JiraProblem(code, f"{what} could not be resolved: {exc}", _lookup_facts(host, str(exc))) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise JiraProblem(code, f"{what} does not resolve: {reason}", _lookup_facts(host, reason)) from None
    if not addresses:
        raise JiraProblem(code, f"{what} resolves to no address", _lookup_facts(host, "no address"))
    return addresses


def _lookup_facts(host: str, result: str) -> Facts:
    return Facts(f"resolve {host}", result, facts={"host": host})


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _is_public(address: str) -> bool:
    ip = _ip(address)
    return ip is not None and ip.is_global


def _proxy_address(ctx: DiagnosticContext) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(ctx.proxy or "")
    default = 443 if parts.scheme == "https" else 8080
    return parts.hostname or "", parts.port or default


# tcp ------------------------------------------------------------------------------------------------------


def check_tcp(ctx: DiagnosticContext) -> Outcome:
    deadline = time.monotonic() + ctx.timeout
    host, port = _proxy_address(ctx) if ctx.proxy else (ctx.host, ctx.port)
    what = f"the proxy {host}:{port}" if ctx.proxy else f"{host}:{port}"
    addresses = ctx.addresses or _resolve_or_fail(
        host, port, ctx.timeout, "PROXY_UNREACHABLE" if ctx.proxy else "DNS_NOT_FOUND", f"the host {host}"
    )
    attempts: list[dict[str, Any]] = []
    for index, address in enumerate(addresses):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        share = remaining / (len(addresses) - index)  # one black-holed address must not starve the others
        attempt = _attempt(address, port, share)
        attempts.append(attempt)
        if attempt["result"] == "connected":
            return Outcome.passed(f"connected to {what} at {address}", _tcp_facts(what, attempts).as_dict())
    refused = bool(attempts) and all(a["result"] == "refused" for a in attempts)
    if ctx.proxy:
        code, detail = "PROXY_UNREACHABLE", f"{what} {'refused the connection' if refused else 'did not answer'}"
    elif refused:
        code, detail = "TCP_REFUSED", f"{what} refused the connection: nothing listens on port {port}"
    else:
        code, detail = "TCP_TIMEOUT", f"{what} did not accept a connection within {ctx.timeout:.1f} s"
    raise JiraProblem(code, detail, _tcp_facts(what, attempts))


def _attempt(address: str, port: int, budget: float) -> dict[str, Any]:
    started = time.monotonic()
    try:
        with socket.create_connection((address, port), timeout=budget):
            result = "connected"
    except ConnectionRefusedError:
        result = "refused"
    except TimeoutError:
        result = f"no answer within {budget:.1f} s"
    except OSError as exc:
        result = exc.strerror or type(exc).__name__
    return {"address": address, "port": port, "result": result, "ms": round((time.monotonic() - started) * 1000)}


def _tcp_facts(what: str, attempts: list[dict[str, Any]]) -> Facts:
    return Facts(f"TCP connect to {what}", facts={"attempts": attempts})


# tls ------------------------------------------------------------------------------------------------------


def check_tls(ctx: DiagnosticContext) -> Outcome:
    scheme = urllib.parse.urlsplit(ctx.url).scheme
    if scheme != "https":
        return Outcome.skipped("plain http: there is no TLS to check")
    if ctx.proxy and urllib.parse.urlsplit(ctx.proxy).scheme == "https":
        return Outcome.skipped("the TLS session to Jira runs inside the https:// proxy's own TLS; http checks it")
    endpoint = tls_probe.Endpoint(ctx.host, ctx.port, ctx.proxy)
    what = f"{ctx.host}:{ctx.port}" + (" through the proxy" if ctx.proxy else "")
    try:
        session = tls_probe.handshake(endpoint, tls_probe.trust_context(ctx.ca_file), time.monotonic() + ctx.timeout)
    except ssl.SSLError as exc:
        raise _handshake_failure(ctx, endpoint, what, exc) from None
    except tls_probe.ProbeTimeout as exc:
        code = "TCP_TIMEOUT" if exc.stage == "connect" else "HTTP_TIMEOUT"
        raise JiraProblem(code, f"{what}: {exc}", Facts(f"TLS handshake with {what}", str(exc))) from None
    except tls_probe.ProxyUnreachable as exc:
        raise JiraProblem("PROXY_UNREACHABLE", str(exc)) from None
    except tls_probe.TunnelRefused as exc:
        raise _tunnel_failure(ctx, exc) from None
    except ConnectionRefusedError as exc:
        raise JiraProblem("TCP_REFUSED", f"{what} refused the connection: {exc}") from None
    except OSError as exc:
        detail = f"{what} closed the connection during the TLS handshake ({exc.strerror or type(exc).__name__})"
        raise JiraProblem("TLS_PROTOCOL", detail, Facts(f"TLS handshake with {what}", str(exc))) from None
    anchor = _anchor(ctx, endpoint)
    chain = [cert.as_dict() for cert in session.chain]
    ctx.tls = {"protocol": session.protocol, "cipher": session.cipher, "anchored_by": anchor, "chain": chain}
    facts = {"protocol": session.protocol, "cipher": session.cipher, "anchored_by": anchor, "certificates": chain}
    evidence = Facts(f"TLS handshake with {what}", "verified", facts=facts).as_dict()
    leaf = session.chain[0] if session.chain else None
    detail = f"{session.protocol}, {session.cipher}; " + (
        f"certificate for {', '.join(leaf.names) or leaf.subject} issued by {leaf.issuer}, " if leaf else ""
    )
    detail += f"anchored by {anchor}"
    expiring = [cert for cert in session.chain if cert.not_after - dt.datetime.now(dt.UTC) < EXPIRY_WARNING]
    if expiring:
        first = min(expiring, key=lambda cert: cert.not_after)
        when = first.not_after.isoformat(timespec="minutes")
        return Outcome.warned("TLS_EXPIRING_SOON", f"{detail}; {first.subject} expires on {when}", evidence)
    return Outcome.passed(detail, evidence)


def _handshake_failure(
    ctx: DiagnosticContext, endpoint: tls_probe.Endpoint, what: str, error: ssl.SSLError
) -> JiraProblem:
    code = tls_probe.classify(error)
    reason = getattr(error, "verify_message", None) or error.reason or str(error)
    presented = tls_probe.read_presented(endpoint, time.monotonic() + ctx.timeout)
    facts: dict[str, Any] = {"error": str(error)}
    detail = f"{what}: {reason}"
    if presented is not None:
        facts.update(
            offered_protocol=presented.protocol,
            certificates=[cert.as_dict() for cert in presented.chain],
        )
        detail += _explained(code, ctx, presented)
    return JiraProblem(code, detail, Facts(f"TLS handshake with {what}", "failed", facts=facts))


def _explained(code: str, ctx: DiagnosticContext, presented: tls_probe.Handshake) -> str:
    leaf = presented.chain[0] if presented.chain else None
    if code == "TLS_PROTOCOL":
        return f" (the server offers {presented.protocol}; this client requires TLS 1.2 or later)"
    if leaf is None:
        return ""
    if code == "TLS_EXPIRED":
        return (
            f" ({leaf.subject} is valid from {leaf.not_before:%Y-%m-%d %H:%M} to {leaf.not_after:%Y-%m-%d %H:%M} UTC)"
        )
    if code == "TLS_HOSTNAME_MISMATCH":
        return f" (the certificate names {', '.join(leaf.names) or leaf.subject}, not {ctx.host})"
    if leaf.self_signed:
        return f" ({leaf.subject} is self-signed)"
    store = "the OS store or the CA file" if ctx.ca_file else "the OS store (no CA file was given)"
    return f" (issued by {leaf.issuer}, which is not in {store})"


def _tunnel_failure(ctx: DiagnosticContext, exc: tls_probe.TunnelRefused) -> JiraProblem:
    proxy_host, proxy_port = _proxy_address(ctx)
    evidence = Facts(f"CONNECT {ctx.host}:{ctx.port} via {proxy_host}:{proxy_port}", exc.status_line)
    if exc.status == 407:
        return JiraProblem("PROXY_AUTH_REQUIRED", f"the proxy answered {exc.status_line!r}", evidence)
    detail = f"the proxy could not open a tunnel to {ctx.host}:{ctx.port}: {exc.status_line!r}"
    return JiraProblem("TCP_REFUSED", detail, evidence)


def _anchor(ctx: DiagnosticContext, endpoint: tls_probe.Endpoint) -> str:
    """Which trust the chain ends in; with a CA file, a handshake with the OS store alone tells them apart."""
    if ctx.ca_file is None:
        return "the OS trust store"
    try:
        tls_probe.handshake(endpoint, tls_probe.trust_context(None), time.monotonic() + ctx.timeout)
    except (OSError, tls_probe.ProbeTimeout, tls_probe.ProxyUnreachable, tls_probe.TunnelRefused):
        return f"the CA file {ctx.ca_file.name}"
    return "the OS trust store (the CA file is not needed)"
