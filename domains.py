"""The registrable domain of a host by the Public Suffix List (the bundled copy of the
publicsuffixlist package, updated with the dependency; no network at run time)."""
import functools

from publicsuffixlist import PublicSuffixList


@functools.lru_cache(maxsize=1)
def _list():
    return PublicSuffixList(accept_unknown=False)


def registrable(host):
    """abc.com for www.abc.com, abc.com.cn for shop.abc.com.cn; the host itself when the list
    knows no registrable part of it (a bare suffix or an unknown top-level domain)."""
    return _list().privatesuffix(host) or host


def has_public_suffix(host):
    """True when the host ends in a suffix the list knows (com, cn, 中国 …) below which one can register."""
    return _list().privatesuffix(host) is not None


def is_public_suffix(host):
    """True for a suffix itself (com.cn, gov.cn): there is nothing registered to file."""
    return _list().publicsuffix(host) == host
