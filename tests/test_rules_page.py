"""The 备案填写规范 page is generated from the rule table."""
from markupsafe import escape

from forms import rules


def test_rules_page_lists_every_rule_with_examples(client):
    html = client.get("/rules").get_data(as_text=True)
    assert "备案填写规范" in html
    for rule in rules.RULES:
        assert f'id="rule-{rule.code}"' in html
        assert rule.title in html
        for example in rule.good + rule.bad:
            assert str(escape(example)) in html, example   # as Jinja writes it: O'Neil → O&#39;Neil


def test_wrong_examples_show_the_systems_own_message(client):
    html = client.get("/rules").get_data(as_text=True)
    message = rules.check_landline("010-00000000")
    assert message and f"系统提示：{message}" in html


def test_rules_page_is_public_and_linked_from_every_page(client):
    assert 'href="/rules"' in client.get("/login").get_data(as_text=True)
