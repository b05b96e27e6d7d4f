"""Table tests for the 联网单位 IP地址段 rules in forms/rules.py: pure functions, no Flask."""
import pytest

from forms.rules import (
    IPV6_RANGE_MESSAGE, blocks_overlap, check_ip_block, ip_block_bounds, normalize_ip_block,
)
from tests.test_rules import assert_result


@pytest.mark.parametrize("value,expected", [
    # IPv4: one address, a range, a network
    ("47.96.1.10", None),
    (" 114.114.114.114 ", None),
    ("47.96.1.10-47.96.1.30", None),
    ("47.96.1.10 - 47.96.1.30", None),
    ("47.96.1.10～47.96.1.30", None),
    ("47.96.1.10~47.96.1.30", None),
    ("４７．９６．１．１０－４７．９６．１．３０", None),
    ("47.96.1.10-47.96.1.10", None),
    ("47.96.1.0/24", None),
    ("47.96.0.0/16", None),
    ("47.96.1.10/32", None),
    ("47.96.1.30-47.96.1.10", "起始IP地址不能大于结束IP地址"),
    ("47.96.1.5/24", "应为 47.96.1.0/24"),
    ("47.96.1.5/24", "网段应从网络地址开始"),
    ("47.96.0.0/15", "IP地址段过大"),
    ("47.96.1.0/33", "格式不正确"),
    ("256.1.1.0/24", "格式不正确"),
    ("一段地址", "格式不正确"),
    ("1.2.3", "格式不正确"),
    ("", "请填写IP地址段"),
    (None, "请填写IP地址段"),
    # not public
    ("10.0.0.1", "内网"),
    ("10.0.0.0/24", "内网"),
    ("192.168.1.0-192.168.1.9", "内网"),
    ("9.255.255.0-10.0.0.5", "内网"),
    ("127.0.0.0/8", "回环"),
    ("169.254.1.0/24", "链路本地"),
    ("224.0.0.0/24", "组播"),
    ("240.0.0.0/24", "保留地址"),
    ("0.0.0.0/24", "未指定地址"),
    ("100.64.0.0/10", "运营商共享地址"),
    ("100.64.1.0/24", "运营商共享地址"),
    ("100.64.0.1", "运营商共享地址"),
    ("192.0.2.0/24", "文档示例"),
    ("203.0.113.5", "文档示例"),
    # IPv6: a network of any size; a lone address is its /128
    ("240e:1234::/48", None),
    ("2400:3200:1::/56", None),
    ("2400:3200:1:2::/64", None),
    ("2400:3200::1/128", None),
    ("2400:3200::1", None),
    ("240e::/20", "过大"),
    ("240e:1234::1/48", "应为 240e:1234::/48"),
    ("240e:1234::1-240e:1234::ff", IPV6_RANGE_MESSAGE),
    ("8.8.8.8-2400:3200::1", IPV6_RANGE_MESSAGE),
    ("2001:db8::/32", "文档示例"),
    ("2001:db8:1::/48", "文档示例"),
    ("fd00:1::/48", "内网"),
    ("fe80::/64", "链路本地"),
    ("ff02::/16", "组播"),
    ("::1/128", "回环"),
    ("::/0", "未指定地址"),
    ("::2", "保留地址"),
    ("4000::/3", "保留地址"),
    ("2400:3200::/129", "格式不正确"),
])
def test_check_ip_block(value, expected):
    assert_result(check_ip_block(value), expected)


@pytest.mark.parametrize("value,stored", [
    ("47.96.1.10", "47.96.1.10"),
    ("::ffff:47.96.1.10", "47.96.1.10"),
    ("47.96.1.10 ～ 47.96.1.30", "47.96.1.10-47.96.1.30"),
    ("４７.96.1.0/24", "47.96.1.0/24"),
    ("47.96.1.0/255.255.255.0", "47.96.1.0/24"),
    ("2400:3200:0000:0001::/64", "2400:3200:0:1::/64"),
    ("240E:1234::/48", "240e:1234::/48"),
    ("2400:3200::1", "2400:3200::1/128"),
])
def test_normalize_ip_block(value, stored):
    assert normalize_ip_block(value) == stored
    assert check_ip_block(stored) is None and normalize_ip_block(stored) == stored


@pytest.mark.parametrize("value,first,last", [
    ("47.96.1.10", "00000000000000000000ffff2f60010a", "00000000000000000000ffff2f60010a"),
    ("47.96.1.0/24", "00000000000000000000ffff2f600100", "00000000000000000000ffff2f6001ff"),
    ("47.96.1.10-47.96.1.30", "00000000000000000000ffff2f60010a", "00000000000000000000ffff2f60011e"),
    ("240e:1234::/48", "240e1234000000000000000000000000", "240e12340000ffffffffffffffffffff"),
    ("2400:3200::1", "24003200000000000000000000000001", "24003200000000000000000000000001"),
])
def test_ip_block_bounds(value, first, last):
    assert ip_block_bounds(value) == (first, last)
    assert len(first) == len(last) == 32 and first <= last


def test_ip_block_bounds_order_addresses_ipv4_before_ipv6():
    blocks = ["240e:1234::/48", "223.5.5.5", "1.0.0.1", "2400:3200::/32", "47.96.1.0/24", "8.8.8.8-8.8.8.9"]
    assert sorted(blocks, key=ip_block_bounds) == [
        "1.0.0.1", "8.8.8.8-8.8.8.9", "47.96.1.0/24", "223.5.5.5", "2400:3200::/32", "240e:1234::/48"]
    assert ip_block_bounds("223.255.255.255")[1] < ip_block_bounds("2400::/32")[0]


@pytest.mark.parametrize("value", [
    "", "10.0.0.0/24", "47.96.1.5/24", "47.96.1.30-47.96.1.10", "240e::1-240e::2", "abc", "2001:db8::/32",
])
def test_refused_blocks_have_no_bounds_and_no_record(value):
    message = check_ip_block(value)
    assert message
    with pytest.raises(ValueError, match=message):
        ip_block_bounds(value)
    with pytest.raises(ValueError):
        normalize_ip_block(value)


@pytest.mark.parametrize("a,b,expected", [
    ("47.96.1.0/24", "47.96.1.0/24", True),
    ("47.96.1.0/24", "47.96.1.10", True),
    ("47.96.1.0/24", "47.96.1.200-47.96.2.10", True),
    ("47.96.0.0/16", "47.96.1.0/24", True),
    ("47.96.1.10-47.96.1.20", "47.96.1.20-47.96.1.30", True),      # share .20
    ("47.96.1.10-47.96.1.19", "47.96.1.20-47.96.1.30", False),     # adjacent
    ("47.96.1.0/25", "47.96.1.128/25", False),                     # adjacent halves
    ("47.96.1.0/24", "47.96.2.0/24", False),
    ("47.96.1.255", "47.96.2.0/24", False),
    ("240e:1234::/48", "240e:1234:0:1::/64", True),
    ("240e:1234::/48", "240e:1235::/48", False),
    ("2400:3200::/56", "2400:3200:0:100::/56", False),             # adjacent /56s
    ("2400:3200::1", "2400:3200::/64", True),
    ("47.96.1.10", "::ffff:47.96.1.10", True),                     # the same IPv4 address
    ("47.96.1.0/24", "2400:3200::/32", False),                     # IPv4 and IPv6 never overlap
])
def test_blocks_overlap(a, b, expected):
    assert blocks_overlap(a, b) is expected
    assert blocks_overlap(b, a) is expected


def test_blocks_overlap_refuses_a_bad_block():
    with pytest.raises(ValueError):
        blocks_overlap("47.96.1.0/24", "10.0.0.0/8")
