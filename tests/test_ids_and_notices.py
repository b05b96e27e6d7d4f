"""Ids beyond what the database holds are 404 on every route; 系统通知 are marked read only by a POST."""
import re

import pytest
from werkzeug.routing import IntegerConverter

import models
from tests.conftest import APPLICANT_PASSWORD, Client, make_user
from wizard.engine import FLOWS

BEYOND = "99999999999999999999"   # 20 digits: more than a signed 64-bit integer
LARGEST = 2 ** 63 - 1              # the largest id SQLite and PostgreSQL (bigint) hold


def _id_routes(app):
    """(method, {id part: …}, other parts filled) of every route with an <int:…> part."""
    flow = next(iter(FLOWS.values()))
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if ids:
            others = {name: min(converter.items) for name, converter in rule._converters.items()
                      if hasattr(converter, "items")}   # any(…): its first choice
            others.update(flow_name=flow.name, step_name=flow.steps[1].name)
            yield "GET" if "GET" in rule.methods else "POST", rule, ids, others


def _url(rule, values):
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", lambda part: values[part.group(1)], rule.rule)


@pytest.fixture
def everyone(app, applicant, officer):
    """An applicant, an officer and an administrator, each logged in on a client of their own."""
    make_user("root", mobile="13800003333", role=models.User.ADMIN)
    admin = Client(app.test_client())
    assert admin.login("root", APPLICANT_PASSWORD).status_code == 303
    return [applicant.client, officer, admin]


def _ask(client, method, url):
    return client.get(url) if method == "GET" else client.post(url)


def test_every_id_route_is_404_for_an_id_beyond_the_database(app, everyone):
    routes = list(_id_routes(app))
    assert len(routes) >= 30   # the walk found them all (/applications/…, /review/…, /apply/<flow>/<draft>/…)
    for method, rule, ids, others in routes:
        for value in (BEYOND, str(LARGEST + 1), "9" * 5000):
            url = _url(rule, others | dict.fromkeys(ids, value))
            for client in everyone:
                assert _ask(client, method, url).status_code == 404, (method, url[:80])


def test_the_largest_id_reaches_the_view_and_finds_nothing(app, everyone):
    for method, rule, ids, others in _id_routes(app):
        url = _url(rule, others | dict.fromkeys(ids, str(LARGEST)))
        for client in everyone:
            assert _ask(client, method, url).status_code in (302, 303, 403, 404), (method, url)


def test_posted_ids_beyond_the_database_change_nothing(applicant):
    client = applicant.client
    # 新增主体 with a tampered draft id, 切换主体 to one, and a picture id that cannot exist.
    assert client.post("/subject/new", {"draft_id": BEYOND, "action": "autosave"}).status_code == 404
    assert client.post("/subjects/current", {"subject_id": BEYOND}).status_code == 404
    page = client.post("/subject/new", {"action": "submit", "nature": "个人", "id_photo_front_id": BEYOND})
    assert page.status_code == 200 and "请上传负责人证件正面" in page.get_data(as_text=True)


def test_looking_at_notices_marks_none_read_only_the_buttons_do(applicant, app):
    me, other = applicant.user, make_user("bob", mobile="13912340000")
    first, second = (models.Notice.send(me, title) for title in ("新办网站申请已提交", "备案已通过"))
    theirs = models.Notice.send(other, "他人的通知")
    client = applicant.client

    page = client.get("/notices").get_data(as_text=True)
    assert "全部标为已读" in page and page.count(">标为已读</button>") == 2
    assert models.Notice.select().where(models.Notice.read_at.is_null()).count() == 3

    # One notice, then the rest; another user's notice is never touched, even by its id.
    assert client.post(f"/notices/{first.id}/read").status_code == 303
    assert client.post(f"/notices/{theirs.id}/read").status_code == 303
    assert [n.read_at is not None for n in models.Notice.select().order_by(models.Notice.id)] == [True, False, False]
    client.post("/notices/read")
    assert models.Notice.get_by_id(second.id).read_at is not None
    assert models.Notice.get_by_id(theirs.id).read_at is None
    assert "全部标为已读" not in client.get("/notices").get_data(as_text=True)
    # A GET of the button's address is no way round it.
    assert client.get("/notices/read").status_code == 405
