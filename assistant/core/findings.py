"""The vocabulary of why a Jira connection fails: a stable code, a title, the cause and the remedy.

It lives in one place, below every layer that names a failure: the engine raises with these codes, the
diagnostics report them, the GUI shows them and `docs/finding-codes.md` is generated from this table.
Codes are a public contract (support tickets quote them): never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class FindingInfo:
    code: str
    layer: str
    title: str
    cause: str
    remedy: str


_GENERAL_CONFIG = "Administration (cog) › System › General configuration"
_APP_LINKS = "Administration (cog) › Applications › Application links"

_ENTRIES = (
    FindingInfo(
        "URL_INVALID",
        "url",
        "The Jira URL is not usable",
        "The address is malformed, has no http:// or https:// scheme, or carries a query or fragment.",
        "Enter the base URL exactly as users open Jira, e.g. https://jira.example.com or "
        "https://example.com/jira, without anything after the context path.",
    ),
    FindingInfo(
        "URL_IS_CLOUD",
        "url",
        "This is Jira Cloud, not Jira Server / Data Center",
        "Hosts under atlassian.net are Jira Cloud, which uses API tokens and Atlassian's own OAuth 2.0 "
        "(3LO) apps, not application links.",
        "Set up the connector with the Jira Cloud integration instead; this assistant configures Jira "
        "Server and Data Center.",
    ),
    FindingInfo(
        "URL_NOT_HTTPS",
        "url",
        "Jira is reached over plain HTTP",
        "Passwords and tokens travel unencrypted, and Jira's OAuth 2.0 consent page refuses to work without HTTPS.",
        "Use Jira's https:// address; if Jira has none, ask the administrator to put it behind TLS.",
    ),
    FindingInfo(
        "DNS_NOT_FOUND",
        "dns",
        "The host name does not resolve",
        "No address was found for the host. It may be misspelt, or known only to an internal resolver.",
        "Check the spelling. If Jira is only reachable inside your network, run the connector (or an "
        "agent that opens an outbound tunnel) inside that network instead of exposing Jira.",
    ),
    FindingInfo(
        "TCP_REFUSED",
        "tcp",
        "The connection was refused",
        "The host answered but nothing listens on that port, or a firewall rejects the connection.",
        "Check the port in the URL (Jira often runs on 8080 behind a proxy on 443) and that Jira or its "
        "reverse proxy is running.",
    ),
    FindingInfo(
        "TCP_TIMEOUT",
        "tcp",
        "The connection timed out",
        "No answer arrived to the connection attempt: a firewall drops the packets, or the host is down.",
        "Check that this machine may reach the host and port (firewall, VPN, proxy). For an internal-only "
        "Jira, use an agent inside the network.",
    ),
    FindingInfo(
        "TLS_UNTRUSTED",
        "tls",
        "The server's certificate is not trusted",
        "The certificate chain does not lead to a certificate authority this machine trusts: often a "
        "company CA or a self-signed certificate.",
        "Get the company's CA certificate (PEM) from the Jira administrator and choose it as the CA file "
        "(--ca-file on the command line, Trust a CA file… in the wizard). Never switch certificate checks off.",
    ),
    FindingInfo(
        "TLS_EXPIRED",
        "tls",
        "The server's certificate has expired (or is not yet valid)",
        "The certificate's validity period does not include the current time.",
        "Ask the Jira administrator to renew the certificate; also check this machine's clock.",
    ),
    FindingInfo(
        "TLS_HOSTNAME_MISMATCH",
        "tls",
        "The certificate is for another host name",
        "The certificate does not name the host in the URL.",
        "Use the host name the certificate was issued for (often the public name, not an IP address or "
        "internal alias), or ask for a certificate that includes this name.",
    ),
    FindingInfo(
        "TLS_PROTOCOL",
        "tls",
        "TLS could not be negotiated",
        "The server offers only outdated protocol versions or ciphers (e.g. TLS 1.0), or does not speak "
        "TLS on this port.",
        "Ask the administrator to enable TLS 1.2 or later on Jira's reverse proxy; check that the port serves HTTPS.",
    ),
    FindingInfo(
        "HTTP_TIMEOUT",
        "http",
        "The server did not answer in time",
        "The connection was made but no complete answer arrived within the time allowed.",
        "Retry later; if it persists, Jira or its proxy is overloaded — check Jira's health and logs.",
    ),
    FindingInfo(
        "HTTP_NOT_JIRA",
        "http",
        "Something other than Jira answers at this URL",
        "The answer is not Jira's: a plain web server, an application on the same port, or a wrong context path.",
        "Check the URL and context path: open <URL>/rest/api/2/serverInfo in a browser; it should show Jira's version.",
    ),
    FindingInfo(
        "HTTP_LOGIN_REDIRECT",
        "http",
        "A login portal sits in front of Jira",
        "Requests are redirected to a sign-in page (an SSO or reverse proxy), so REST calls never reach Jira.",
        "Ask the administrator to let REST calls to /rest/ and /plugins/servlet/oauth through the SSO "
        "proxy, or use the URL that reaches Jira directly.",
    ),
    FindingInfo(
        "JIRA_UNAVAILABLE",
        "jira",
        "Jira is not running normally",
        "Jira answers 503 or reports a state other than RUNNING (starting, maintenance, locked).",
        "Wait until Jira has finished starting or maintenance; check /status and the Jira logs.",
    ),
    FindingInfo(
        "JIRA_BASE_URL_MISMATCH",
        "jira",
        "Jira believes its base URL is a different one",
        "Jira's configured Base URL differs from the URL used here (scheme, host, port or context path). "
        "OAuth signatures and redirects are built on the configured one, so they fail.",
        f"Either use Jira's Base URL here, or correct it in {_GENERAL_CONFIG} › Base URL (and the "
        "reverse proxy's proxyName/proxyPort/scheme settings).",
    ),
    FindingInfo(
        "JIRA_TOO_OLD_FOR_METHOD",
        "jira",
        "This Jira version does not offer the chosen method",
        "OAuth 2.0 incoming links need Jira 8.22 or later; Personal Access Tokens need 8.14 or later.",
        "Choose a method this version offers, or upgrade Jira.",
    ),
    FindingInfo(
        "CLOCK_SKEW",
        "clock",
        "This machine's clock differs from Jira's",
        "The clocks differ by more than OAuth 1.0a allows (5 minutes), so signed requests are refused.",
        "Synchronise both clocks with NTP.",
    ),
    FindingInfo(
        "AUTH_BAD_CREDENTIALS",
        "auth",
        "The username or password was refused",
        "Jira answered AUTHENTICATED_FAILED: the password is wrong, or the account lacks Jira application "
        "access (which fails the same way).",
        "Check the password, and that the account has Jira application access in Administration › User "
        "management. Too many failures will trigger a CAPTCHA.",
    ),
    FindingInfo(
        "AUTH_CAPTCHA",
        "auth",
        "The account is locked behind a CAPTCHA",
        "After repeated failed logins Jira demands a CAPTCHA and refuses REST logins, even with the right password.",
        "Log in once in a browser as this account and solve the CAPTCHA, or have an admin use Administration "
        "› User management › the user › Reset failed login count.",
    ),
    FindingInfo(
        "AUTH_BASIC_DISABLED",
        "auth",
        "Basic authentication is disabled on this Jira",
        "The instance blocks Basic authentication for REST calls (Jira 8.16+ Authentication methods).",
        "Use OAuth 2.0 or a Personal Access Token, or add the service account to the allowlist in "
        "Administration › System › Authentication methods.",
    ),
    FindingInfo(
        "AUTH_TOKEN_INVALID",
        "auth",
        "The token was not accepted (the call ran as anonymous)",
        "Jira silently ignores a bad, expired or revoked Personal Access Token or OAuth 2.0 token and runs "
        "the request as anonymous. The same happens to every PAT when an administrator has disabled them.",
        "Create a new token (Profile › Personal Access Tokens) and check its expiry; make sure it is sent "
        "as 'Authorization: Bearer <token>', not as a password.",
    ),
    FindingInfo(
        "OAUTH1_SIGNATURE_INVALID",
        "auth",
        "Jira rejected the OAuth 1.0a signature",
        "The signature does not verify: most often Jira reconstructs a different URL (reverse proxy, "
        "scheme, port or context path) than the client signed; otherwise the key pair does not match.",
        "Compare the signed base string with Jira's: make Jira's Base URL match the URL used. If they match, "
        f"paste the current public key into the link's incoming authentication ({_APP_LINKS}).",
    ),
    FindingInfo(
        "OAUTH1_SIGNATURE_METHOD_REJECTED",
        "auth",
        "Jira refuses this OAuth 1.0a signature method",
        "Jira accepts only RSA-SHA1 for incoming OAuth 1.0a; HMAC-SHA1 and PLAINTEXT are refused.",
        "Configure the client to sign with RSA-SHA1 and its private key.",
    ),
    FindingInfo(
        "OAUTH1_CONSUMER_UNKNOWN",
        "auth",
        "Jira does not know this consumer key",
        "No application link has an incoming consumer with this key.",
        f"Create the incoming link with this consumer key in {_APP_LINKS}, or fix the key in the client.",
    ),
    FindingInfo(
        "OAUTH1_TIMESTAMP_REFUSED",
        "auth",
        "Jira refused the request's timestamp",
        "The request's time differs from Jira's clock by more than 5 minutes.",
        "Synchronise the clocks of this machine and the Jira server with NTP.",
    ),
    FindingInfo(
        "OAUTH1_TOKEN_REJECTED",
        "auth",
        "Jira rejected the OAuth 1.0a token",
        "The token is unknown or was revoked — often the dance was done against another Jira host or base URL.",
        "Authorize again against this Jira; users can see and revoke tokens at Profile › Tools › "
        "Access tokens (/plugins/servlet/oauth/users/access-tokens).",
    ),
    FindingInfo(
        "OAUTH2_INVALID_CLIENT",
        "auth",
        "Jira does not accept the OAuth 2.0 client",
        "The client ID or secret is wrong, or the incoming link was deleted or its secret reset.",
        f"Copy the Client ID and Client secret again from the link in {_APP_LINKS} (or reset the secret).",
    ),
    FindingInfo(
        "OAUTH2_INVALID_GRANT",
        "auth",
        "Jira refused the OAuth 2.0 grant",
        "The authorization code or refresh token is expired, reused or already rotated, or the redirect "
        "URL or PKCE verifier does not match.",
        "Authorize again. Make sure the redirect URL registered in the link matches exactly, port "
        "included, and that only one process refreshes the token.",
    ),
    FindingInfo(
        "OAUTH2_TOKEN_EXPIRED",
        "auth",
        "The OAuth 2.0 access token has expired",
        "Access tokens live one hour by default; an expired one makes requests run as anonymous.",
        "Refresh the token with the refresh token, or authorize again.",
    ),
    FindingInfo(
        "OAUTH2_INSUFFICIENT_SCOPE",
        "auth",
        "The OAuth 2.0 scope does not allow this",
        "The link's permission (Read/Write/Admin/System admin) caps what the token may do; this request needs more.",
        f"Edit the incoming link's permission in {_APP_LINKS} (Write for creating issues), then authorize again.",
    ),
    FindingInfo(
        "IDENTITY_ANONYMOUS",
        "identity",
        "Calls run as anonymous",
        "Jira did not accept the credentials and served the request as the anonymous user.",
        "Check the credentials for the chosen method; a PAT or OAuth 2.0 token must be valid and sent as "
        "a Bearer token.",
    ),
    FindingInfo(
        "IDENTITY_INACTIVE",
        "identity",
        "The account is inactive",
        "The account is deactivated in Jira and may not log in.",
        "Reactivate it in Administration › User management, or use another service account.",
    ),
    FindingInfo(
        "IDENTITY_IS_ADMIN",
        "identity",
        "The account is a Jira administrator",
        "The connector would act with administrator rights: a leaked credential could change any project or setting.",
        "Use a dedicated service account without administrator rights, holding only the project "
        "permissions the connector needs.",
    ),
    FindingInfo(
        "PROJECT_NOT_FOUND",
        "permissions",
        "The project does not exist or is not visible",
        "Jira answers 'no project could be found' for a missing project and for one the account may not browse.",
        "Check the project key, and grant the account Browse Projects in the project's permission scheme "
        "(Project settings › Permissions).",
    ),
    FindingInfo(
        "PERMISSION_MISSING",
        "permissions",
        "The account lacks permissions the connector needs",
        "The account's project permissions do not include everything the connector uses.",
        "Grant the missing permissions to the account (or a group or role it has) in Project settings › Permissions.",
    ),
    FindingInfo(
        "RATE_LIMITED",
        "http",
        "Jira is rate-limiting this account",
        "Jira answered 429 Too Many Requests.",
        "Wait for the Retry-After period; ask the admin to raise the account's limit in Administration › "
        "System › Rate limiting, or exempt the service account.",
    ),
    FindingInfo(
        "PROXY_AUTH_REQUIRED",
        "tcp",
        "The proxy demands authentication",
        "The HTTP proxy answered 407 Proxy Authentication Required.",
        "Give the proxy's credentials in the proxy URL (http://user@proxy:port, password from the prompt) "
        "or ask for the connector's address to be allowed.",
    ),
    FindingInfo(
        "PROXY_UNREACHABLE",
        "tcp",
        "The proxy cannot be reached",
        "The configured proxy refused or did not answer the connection.",
        "Check the proxy address and port, or remove the proxy setting if Jira is reachable directly.",
    ),
    FindingInfo(
        "SERVER_ERROR",
        "jira",
        "Jira answered with a server error",
        "Jira failed internally (HTTP 5xx) while handling the request.",
        "Retry later; if it persists, the Jira administrator finds the cause in atlassian-jira.log at "
        "the time of the request.",
    ),
    FindingInfo(
        "WRITE_FAILED",
        "write",
        "The write round-trip failed",
        "Creating, commenting on or transitioning the test issue was refused.",
        "Read Jira's message in the evidence: usually a required field, a screen without the field, or a "
        "workflow condition.",
    ),
    FindingInfo(
        "WRITE_CLEANUP_LEFT",
        "write",
        "The test issue is left in Jira",
        "The account may neither delete the test issue nor move it to a Done status.",
        "Delete the issue named in the detail by hand (its summary starts with 'Jira Link Assistant'), or grant "
        "the account Delete Issues in Project settings › Permissions.",
    ),
    FindingInfo(
        "IDENTITY_NOT_SERVICE_ACCOUNT",
        "identity",
        "Calls run as another account than the connection names",
        "The credentials belong to someone else: a token created or authorised by a person's account, or a "
        "password typed for the wrong user.",
        "Authorise again (or create the token) while logged in to Jira as the service account, so the "
        "connector does not act as a person.",
    ),
    FindingInfo(
        "NETWORK_INTERNAL_ONLY",
        "dns",
        "Jira is reachable only inside a private network",
        "The host resolves to private, loopback or link-local addresses, or its name is one only an internal "
        "resolver knows (.local, .internal, .corp, .lan, or a name without a domain). A connector running "
        "outside that network (a cloud service) cannot reach it.",
        "Keep Jira private: run the connector inside the network, or install the vendor's agent there, which "
        "opens an outbound tunnel to the connector so no inbound port is opened. Do not expose Jira to the "
        "internet just for the connector.",
    ),
    FindingInfo(
        "TLS_EXPIRING_SOON",
        "tls",
        "The server's certificate expires soon",
        "A certificate in the chain Jira presents expires within 14 days; after that every connection fails "
        "with an untrusted-certificate error.",
        "Ask the Jira administrator to renew the certificate on Jira's reverse proxy (or Tomcat connector) "
        "before the date shown.",
    ),
    FindingInfo(
        "OAUTH_CALLBACK_MISSING",
        "auth",
        "The browser never came back from Jira",
        "No redirect arrived at the assistant's loopback address: Allow was not clicked in time, the browser runs "
        "on another machine, or the loopback port could not be used.",
        "Click Allow on Jira's consent page as the service account, or use the paste fallback (--paste, or Paste "
        "the address in the wizard). If the port is in use, choose another port and register that redirect URL.",
    ),
    FindingInfo(
        "ADMIN_REQUEST_REFUSED",
        "auth",
        "Jira refused the administration request",
        "Creating the link or token on the administrator's behalf was refused: most often something of that name "
        "already exists, or a value is not accepted.",
        "Read Jira's message in the evidence. For a name that exists, choose another link name (--link-name) or "
        "delete the old one in Administration › Applications › Application links; or follow the manual "
        "click-path instead.",
    ),
    FindingInfo(
        "PAT_DISABLED",
        "auth",
        "Personal Access Tokens are disabled on this Jira",
        "An administrator has switched Personal Access Tokens off, so none can be created and existing ones are "
        "ignored (calls run as anonymous).",
        "Use OAuth 2.0 instead, or ask the administrator to enable Personal Access Tokens again.",
    ),
)

FINDINGS: MappingProxyType[str, FindingInfo] = MappingProxyType({e.code: e for e in _ENTRIES})


def finding(code: str) -> FindingInfo:
    """Looks a code up; an unknown code is a programming error, so it raises KeyError."""
    return FINDINGS[code]
