"""服务商 and 应用市场 filings: the directory a 服务商's approval writes, documents judged by content,
我的服务商/我的应用市场, and an 应用市场 offered to APPs as a 分发渠道."""
import io

import pytest
from werkzeug.datastructures import MultiDict

import models
from forms.app import AppBasicForm
from forms.website import WebsiteBasicForm
from tests.conftest import file_through_flow
from tests.factories import app_basic, pdf_document, picture, provider_steps
from wizard.engine import FLOWS, rebuild

PDF = pdf_document()


def directory(service):
    return {(p.kind, p.name, p.region_code, p.licence, p.retired)
            for p in models.Provider.select().where(models.Provider.service == service)}


def lookup(app, subject, name, kind="access"):
    """What the website wizard's 【查询…】 offers for a typed name in 浙江省."""
    with app.test_request_context():
        form = WebsiteBasicForm(formdata=MultiDict({f"{kind}_region": "330000", f"{kind}_query": name}),
                                meta={"csrf": False}, subject=subject)
        return [p.name for p in form.lookup(kind)]


def test_an_approved_provider_enters_the_directory_the_wizards_search(app, applicant, filed_provider):
    assert filed_provider.status == models.Service.FILED and filed_provider.record_number is None
    assert directory(filed_provider) == {
        ("access", "丽水市云岭科技有限公司", "331102", "浙B2-20080224", False),
        ("registrar", "丽水市云岭科技有限公司", "331102", "浙B2-20080224", False)}
    assert "丽水市云岭科技有限公司" in lookup(app, applicant.subject, "云岭科技")
    assert "丽水市云岭科技有限公司" in lookup(app, applicant.subject, "云岭科技", "registrar")
    page = applicant.client.get(f"/providers/{filed_provider.id}").get_data(as_text=True)
    assert "备案情况" in page and "已备案（" in page and "公安备案号" not in page
    # No number: the public query has nothing to show for it.
    assert models.Service.public_search("云岭科技") == []
    assert 'value="provider"' not in applicant.client.get("/query").get_data(as_text=True)


def test_a_change_rewrites_the_entries_and_a_cancel_retires_them(app, applicant, officer, filed_provider):
    steps = provider_steps(applicant.user.id, provider_types=["access", "cdn"], licence=["浙B2-20190001"])
    application = file_through_flow(app, FLOWS["变更服务商"], applicant.subject, steps, service=filed_provider)
    # Until 通过 the directory keeps what is on record.
    assert ("registrar", "丽水市云岭科技有限公司", "331102", "浙B2-20080224", False) in directory(filed_provider)
    application.decide(True, reviewer=officer.user.id)
    assert {(kind, licence, retired) for kind, _, _, licence, retired in directory(filed_provider)} == {
        ("access", "浙B2-20190001", False), ("cdn", "浙B2-20190001", False), ("registrar", "浙B2-20080224", True)}
    assert lookup(app, applicant.subject, "云岭", "registrar") == []
    cancel = models.BUSINESSES["注销服务商"].file(applicant.subject, {"reason": "停止经营", "leader_name": "张建国"},
                                              service=models.Service.get_by_id(filed_provider.id))
    cancel.decide(True, reviewer=officer.user.id)
    assert all(retired for *_, retired in directory(filed_provider))
    assert lookup(app, applicant.subject, "云岭") == []


def test_cancelling_the_subject_retires_its_provider_entries(applicant, filed_provider):
    models.Service.cancel_all(applicant.subject)
    assert all(retired for *_, retired in directory(filed_provider))


def post_documents(client, url, data, documents):
    body = MultiDict([(k, v) for k, vals in data.items() for v in (vals if isinstance(vals, list) else [vals])])
    body.add("csrf_token", client.token())
    for name, content in documents:
        body.add("documents_file", (io.BytesIO(content), name))
    return client.raw.post(url, data=body, content_type="multipart/form-data")


@pytest.mark.parametrize("name, content, accepted, message", [
    ("制度.pdf", PDF, True, None),
    ("制度.png", picture("PNG"), True, None),
    ("制度.pdf", b"%PDF-1.4\nnot finished", False, "损坏或不完整"),
    ("制度.pdf", PDF[:len(PDF) // 2], False, "损坏或不完整"),
    ("制度.pdf", b"<html>a renamed page</html>", False, "JPG"),
])
def test_provider_documents_are_judged_by_content(applicant, name, content, accepted, message):
    client = applicant.client
    base = client.post("/apply/provider", {"action": "next"}).headers["Location"].rsplit("/", 1)[0]
    response = post_documents(client, f"{base}/basic", {"action": "upload"}, [(name, content)])
    assert response.status_code == 200
    kept = models.Draft.get().data["steps"]["basic"].get("documents", [])
    assert bool(kept) == accepted
    if accepted:
        upload = models.Upload.get_by_id(int(kept[0]))
        assert upload.is_pdf == content.startswith(b"%PDF")
        download = client.get(f"/uploads/{upload.id}")
        assert download.status_code == 200
        assert ("attachment" in download.headers.get("Content-Disposition", "")) == upload.is_pdf
    else:
        assert message in response.get_data(as_text=True)


def test_a_stored_pdf_keeps_its_pages_and_nothing_that_runs():
    from forms import rules
    scripted = pdf_document(script="app.alert('x')")
    assert b"JavaScript" in scripted and rules.check_pdf(scripted) is None
    cleaned = rules.clean_pdf(scripted)
    assert b"JavaScript" not in cleaned and b"/Page" in cleaned
    assert "没有页面" in rules.check_pdf(pdf_document().replace(b"/Count 1", b"/Count 0").replace(b"/Kids [ 4 0 R ]", b"/Kids [ ]"))


def test_a_filed_appstore_is_a_distribution_channel_for_apps(app, applicant, filed_appstore):
    assert filed_appstore.record_number and filed_appstore.domain == "apps.lsly.cn"
    assert "丽水应用商店" in applicant.client.get("/appstores").get_data(as_text=True)
    found = applicant.client.get("/query?q=apps.lsly.cn").get_data(as_text=True)
    assert "丽水应用商店" in found and filed_appstore.record_number in found
    with app.test_request_context():
        raw = app_basic(applicant.user.id, stores=["丽水应用商店"], channels=[""])
        form = rebuild(AppBasicForm, raw, {"subject": applicant.subject})
        assert ("丽水应用商店", "丽水应用商店") in form.stores.choices
        assert form.validate(), form.errors
        assert form.channel_data() == ["丽水应用商店"]
        gone = rebuild(AppBasicForm, {**raw, "stores": ["别的商店"]}, {"subject": applicant.subject})
        assert not gone.validate() and "已不在备案" in gone.stores.errors[0]
        neither = rebuild(AppBasicForm, {**raw, "stores": []}, {"subject": applicant.subject})
        assert not neither.validate() and "分发渠道" in neither.channels.errors[0]


def test_a_provider_is_the_subject_itself(app, applicant):
    with app.test_request_context():
        from forms.provider import ProviderBasicForm
        from tests.factories import provider_basic
        form = rebuild(ProviderBasicForm, provider_basic(applicant.user.id, name="中国电信股份有限公司"),
                       {"subject": applicant.subject})
        assert not form.validate() and "应与开办主体名称" in form.full_name.errors[0]
        assert rebuild(ProviderBasicForm, {}, {"subject": applicant.subject}).full_name.data == applicant.subject.name
    assert FLOWS["新办服务商"].subject_problem(models.Subject(nature="个人", status="有效"))
