"""Is a website closed? A short, bounded HTTP check of its home page before 注销网站.

Any HTTP answer (even an error page) means something still serves the site;
no answer within the timeout (refused, unknown name, unreachable) means closed.
Deployments without outbound network switch it off (SITE_CHECK=0).
"""
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Result:
    closed: bool
    detail: str


def home_urls(home):
    """The URLs to try for a 网站首页 as filed (with or without a scheme)."""
    if home.startswith(("http://", "https://")):
        return [home]
    return [f"http://{home}", f"https://{home}"]


def check(home, timeout=3.0):
    """Try the home page over HTTP(S); each attempt waits at most timeout seconds."""
    for url in home_urls(home):
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "beian-closed-check"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Result(False, f"{url} 仍可访问（HTTP {response.status}）")
        except urllib.error.HTTPError as error:
            return Result(False, f"{url} 仍有响应（HTTP {error.code}）")
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError):
            continue
    return Result(True, "网站首页无法访问")
