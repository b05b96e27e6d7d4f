"""Is a website closed? A short, bounded HTTP check of its home page before 注销网站.

Any answer (an HTTP status, a redirect, a TLS handshake, even a non-HTTP
reply) means something still serves the site; no answer (refused, unknown
name, unreachable, silent past the deadline) means closed. The check never
follows redirects and never connects to private, loopback or link-local
addresses, so an applicant cannot aim it at the bureau's own network. The
whole check has one deadline. Deployments without outbound network switch it
off (SITE_CHECK=0).
"""
import concurrent.futures
import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="sitecheck")


@dataclass
class Result:
    closed: bool
    detail: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer: report it, do not follow it


_OPENER = urllib.request.build_opener(_NoRedirect)


def home_urls(home):
    """The URLs to try for a 网站首页 as filed (with or without a scheme)."""
    if home.startswith(("http://", "https://")):
        return [home]
    return [f"http://{home}", f"https://{home}"]


def _public(host):
    """True when every address the name resolves to is a public one."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError, ValueError):
        return None  # no such name: nothing answers
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def _try(url, timeout):
    """None when nothing answered at url, else a Result saying what did."""
    try:
        parts = urllib.parse.urlsplit(url)
        host, _ = parts.hostname, parts.port   # .port raises on a port that is not a number
    except ValueError:
        return Result(True, f"{url} 不是有效的网址，未检查")
    if not host:
        return Result(True, f"{url} 不是有效的网址，未检查")
    public = _public(host)
    if public is None:
        return None
    if not public:
        return Result(True, f"{host} 解析为内网地址，未检查")
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "beian-closed-check"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Result(False, f"{url} 仍可访问（HTTP {response.status}）")
    except urllib.error.HTTPError as error:
        return Result(False, f"{url} 仍有响应（HTTP {error.code}）")
    except urllib.error.URLError as error:
        if isinstance(error.reason, ssl.SSLError):
            return Result(False, f"{url} 仍有HTTPS响应")
        return None
    except ssl.SSLError:
        return Result(False, f"{url} 仍有HTTPS响应")
    except http.client.HTTPException:
        return Result(False, f"{url} 仍有服务响应")
    except (OSError, ValueError):
        return None


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
