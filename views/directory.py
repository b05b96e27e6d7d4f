"""服务商目录: the providers the wizards' 【查询网络接入服务商】/【查询域名注册服务商】 offer.
Administrators keep all of it, an officer his own province's; every change is audited. Entries
that come from a filed 服务商 change only through that filing: here they can only be retired."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

import divisions
import models
from forms import rules
from forms.directory import ProviderForm, ProviderImportForm
from views.common import finish, id_arg, role_required, safe_next

bp = Blueprint("directory", __name__, url_prefix="/directory")
PAGE = 50
keepers_only = role_required(models.User.ADMIN, models.User.OFFICER)


def _province():
    """The province code whose entries the user keeps: None (all) for an administrator."""
    if current_user.role == models.User.ADMIN:
        return None
    if current_user.bureau is None:
        abort(404)
    return current_user.bureau.division_code[:2] + "0000"


def _find(provider_id):
    """An entry the user keeps, else 404."""
    found = models.Provider.select().where(models.Provider.id == provider_id)
    province = _province()
    if province:
        found = found.where(models.Provider.in_province(province))
    return found.first() or abort(404)


def _audit(action, provider, before):
    models.AuditEntry.record(current_user.id, action, f"provider:{provider.id}", before, provider.facts())


def _list_page(import_form=None, errors=()):
    province = _province()
    name = request.args.get("q", "").strip()[:60]
    problem = rules.check_control_chars(name)   # PostgreSQL could not even compare a NUL
    if problem:
        name = ""
    kind = request.args.get("kind", "")
    kind = kind if kind in models.Provider.KINDS else ""
    after_id = id_arg("after")
    after = models.Provider.get_or_none(models.Provider.id == after_id) if after_id else None
    rows = models.Provider.directory(province, name=name, kind=kind, after=after, size=PAGE)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    table = divisions.table()
    area = table.get(province).name if province else "全国"
    return render_template("directory/list.html", area=area, name=name, kind=kind, kinds=models.Provider.KINDS,
                           problem=problem,
                           rows=[(p, table.full_name(p.region_code) or p.region_code) for p in rows],
                           next_after=rows[-1].id if more else None, first_page=after is None,
                           import_form=import_form or ProviderImportForm(formdata=None), errors=errors)


@bp.route("")
@keepers_only
def index():
    """The directory (a province's for an officer), filtered by name and type, 50 a page."""
    return _list_page()


@bp.route("/import", methods=["POST"])
@keepers_only
def upload():
    """导入服务商 from CSV: every row is checked first; any bad row imports nothing."""
    form = ProviderImportForm()
    if not form.validate():
        return _list_page(import_form=form)
    rows, errors = form.parse(_province())
    if errors:
        return _list_page(import_form=form, errors=errors)
    with models.db.atomic():
        for row in rows:
            _audit("导入服务商", models.Provider.create(**row), {})
    flash(f"已导入{len(rows)}个服务商", "success")
    return finish(url_for(".index"))


@bp.route("/new", methods=["GET", "POST"])
@keepers_only
def new():
    """新增服务商: one entry by hand."""
    form = ProviderForm(province=_province()) if request.method == "POST" else ProviderForm(formdata=None)
    if request.method == "POST":
        clean = form.checked()
        if clean is not None:
            with models.db.atomic():
                provider = models.Provider.create(**clean)
                _audit("新增服务商", provider, {})
            flash(f"已添加：{provider.name}", "success")
            return finish(url_for(".index"))
    return render_template("directory/edit.html", form=form, provider=None)


@bp.route("/<int:provider_id>", methods=["GET", "POST"])
@keepers_only
def edit(provider_id):
    """修改服务商 (an entry from a filing is shown, not edited)."""
    provider = _find(provider_id)
    if request.method == "POST" and not provider.from_filing:
        form = ProviderForm(province=_province(), provider=provider)
        clean = form.checked()
        if clean is not None:
            before = provider.facts()
            try:
                with models.db.atomic():
                    provider.change(**clean)
                    _audit("修改服务商", provider, before)
            except models.TransitionError as error:
                flash(str(error), "error")
            else:
                flash(f"已保存：{provider.name}", "success")
                return finish(url_for(".index"))
    elif request.method == "POST":
        flash("该服务商来自备案，信息以备案为准，只能停用", "error")
        form = ProviderForm(formdata=None, obj=provider)
    else:
        form = ProviderForm(formdata=None, obj=provider)
    return render_template("directory/edit.html", form=form, provider=provider,
                           region_name=divisions.table().full_name(provider.region_code))


def _toggle(provider_id, retire):
    provider = _find(provider_id)
    before = provider.facts()
    try:
        with models.db.atomic():
            if retire:
                provider.retire()
            else:
                provider.enable()
            _audit("停用服务商" if retire else "启用服务商", provider, before)
    except models.TransitionError as error:
        flash(str(error), "error")
    else:
        flash(f"已{'停用' if retire else '启用'}：{provider.name}", "success")
    # Back to the page of the list it was clicked on (its filters and page), or the edit page.
    return finish(safe_next(request.form.get("back"), url_for(".index")))


@bp.route("/<int:provider_id>/retire", methods=["POST"])
@keepers_only
def retire(provider_id):
    """停用: the wizards' lookups offer it no more; filings that named it keep the name."""
    return _toggle(provider_id, True)


@bp.route("/<int:provider_id>/enable", methods=["POST"])
@keepers_only
def enable(provider_id):
    """启用 a retired entry again."""
    return _toggle(provider_id, False)
