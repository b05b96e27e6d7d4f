"""Is a website closed? A short, bounded HTTP check of its home page before 注销网站.

Any answer (an HTTP status, a redirect, a TLS handshake, even a non-HTTP
reply) means something still serves the site; no answer (refused, unknown
name, unreachable, silent past the deadline) means closed. The address is
parsed as a browser would: one with a user name or password (http://a.cn:x@127.0.0.1/
is a request to 127.0.0.1) or with an unreadable port is not checked and
does not count as closed. The host's name is resolved once and the check
connects to exactly that address, never to a private, loopback or link-local
one (so an applicant cannot aim it at the bureau's own network, nor switch
the name's address between the check and the request); redirects are
reported, never followed. The whole check has one deadline. Deployments
without outbound network switch it off (SITE_CHECK=0).
"""
import concurrent.futures
import http.client
import ipaddress
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="sitecheck")


@dataclass
class Result:
    closed: bool
    detail: str
    # What the applicant should do when the site does not count as closed.
    advice: str = "请先关闭网站再申请注销"


def home_urls(home):
    """The URLs to try for a 网站首页 as filed (with or without a scheme)."""
    if home.startswith(("http://", "https://")):
        return [home]
    return [f"http://{home}", f"https://{home}"]


def _resolve(host, port):
    """Every address the name resolves to, or None when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    return list(dict.fromkeys(info[4][0].split("%")[0] for info in infos))


def _public(address):
    """True for an address on the public internet (not private, loopback, link-local …)."""
    return ipaddress.ip_address(address).is_global


class _Pinned(http.client.HTTPConnection):
    """A connection to one resolved address, speaking to the host by its name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _unusable(url):
    return Result(False, f"网站首页地址（{url}）不是有效的网址（不能含有用户名、密码或“@”，端口须为数字），无法检查",
                  "请先办理【变更网站】改正网站首页后再申请注销")


def _try(url, timeout):
    """None when nothing answered at url, else a Result saying what did."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _unusable(url)
    host = parts.hostname
    if (not host or parts.scheme not in ("http", "https") or "@" in parts.netloc
            or any(c == "\\" or c.isspace() for c in url)):
        return _unusable(url)
    addresses = _resolve(host, port)
    if not addresses:
        return None  # no such name: nothing answers
    if not all(_public(address) for address in addresses):
        return Result(True, f"{host} 解析为内网地址，未检查")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for address in addresses:
        found = _ask(url, (_PinnedTLS if parts.scheme == "https" else _Pinned)(host, port, address, timeout), path)
        if found is not None:
            return found
    return None


def _ask(url, connection, path):
    """HEAD path over a pinned connection: None when nothing answered, else what did."""
    try:
        connection.request("HEAD", path, headers={"User-Agent": "beian-closed-check"})
        status = connection.getresponse().status
    except ssl.SSLError:
        return Result(False, f"{url} 仍有HTTPS响应")
    except http.client.HTTPException:
        return Result(False, f"{url} 仍有服务响应")
    except (OSError, ValueError):
        return None
    finally:
        connection.close()
    return Result(False, f"{url} 仍可访问（HTTP {status}）" if status < 300 else f"{url} 仍有响应（HTTP {status}）")


def _check(home, timeout):
    for url in home_urls(home):
        found = _try(url, timeout)
        if found is not None:
            return found
    return Result(True, "网站首页无法访问")


def check(home, timeout=3.0):
    """The check with one deadline for everything (name lookup, both schemes, slow replies)."""
    future = _POOL.submit(_check, home, timeout)
    try:
        return future.result(timeout=timeout * 2 + 1)
    except concurrent.futures.TimeoutError:
        # Something accepted the connection but never finished answering: still there.
        return Result(False, "网站首页仍有连接但未在时限内完成响应")
