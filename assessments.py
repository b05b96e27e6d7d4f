"""安全评估: 《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》 (网信办 and 公安部, in force
2018-11-30) as tables: which services it covers (§2), what makes a report due (§3), and the
measures a report speaks to (§5). The forms, the filing core and the 填写规范 page read the same
tables; nothing here knows Flask or the database.
"""
from collections import namedtuple

# §2: the services with 舆论属性或社会动员能力, as the filing forms name their interactive items.
SCOPE = ("论坛/BBS", "博客/微博", "聊天室", "通讯群组", "公众账号", "短视频", "网络直播", "信息分享")

# Which items of the forms count as which of SCOPE: the website and APP 交互式服务项目 (the SCOPE
# items themselves, 网络社区, 即时通信 — the only chat item before 聊天室/通讯群组 were offered), and
# the 服务内容类型 of a 小程序. Anything else is out of scope.
ITEM_SCOPE = {
    **{item: (item,) for item in SCOPE},
    "网络社区": ("论坛/BBS",),
    "即时通信": ("聊天室", "通讯群组"),
    "论坛/社区": ("论坛/BBS",),
    "聊天/通讯": ("聊天室", "通讯群组"),
}

# The kinds of filed service a report covers.
KINDS = ("website", "app", "miniapp")

# §3: the situations that call for an assessment, as the applicant chooses one.
LAUNCH = "上线或新增功能"
TRIGGERS = (LAUNCH, "新技术新应用导致重大变更", "用户规模显著增加", "传播违法有害信息", "收到网信或公安部门书面通知")

# A report is due this many days after the approval that created the need; later it is 逾期.
DUE_DAYS = 30

Measure = namedtuple("Measure", "key title requirement example")

# §5: what the report must show was done, one section each (its 实际情况 is typed; documents are optional).
MEASURES = (
    Measure("people", "安全管理负责人和信息审核人员", "确定与所提供服务相适应的安全管理负责人、信息审核人员",
            "由副总经理担任安全管理负责人，配备专职信息审核人员6名，实行7×24小时轮班审核。"),
    Measure("organisation", "安全管理机构", "建立安全管理机构",
            "设立网络安全与内容管理部，由安全管理负责人分管，制定了内容审核和应急处置制度。"),
    Measure("identity", "真实身份核验和注册信息留存", "用户真实身份核验以及注册信息留存措施",
            "用户注册时通过手机号码短信验证完成真实身份核验，注册信息在服务期间及注销后留存六个月。"),
    Measure("logs", "日志留存",
            "对用户的账号、操作时间、操作类型、网络源地址和目标地址、网络源端口、客户端硬件特征等日志信息，"
            "以及用户发布信息记录的留存措施",
            "日志由独立的日志服务器集中采集，按月归档，保存不少于六个月，仅安全管理人员可以查询。"),
    Measure("illegal", "违法有害信息防范处置",
            "对用户账号和通讯群组名称、昵称、简介、备注、标识，信息发布、转发、评论和通讯群组等服务功能中"
            "违法有害信息的防范处置和有关记录保存措施",
            "发布内容先经关键词过滤再由人工抽审，发现违法有害信息立即删除、保存记录并向公安机关报告。"),
    Measure("privacy", "个人信息保护和风险防控",
            "个人信息保护以及防范违法有害信息传播扩散、社会动员功能失控风险的技术措施",
            "个人信息加密存储并限制访问权限；群组人数设上限，异常转发和集中注册会被系统自动拦截。"),
    Measure("complaints", "投诉举报", "建立投诉、举报制度，公布投诉、举报方式等信息，及时受理并处理有关投诉和举报",
            "在首页和APP“我的”页面公布投诉举报电话和邮箱，专人受理，一般在24小时内处理并答复。"),
    Measure("support", "配合监管执法的工作机制",
            "为网信部门、公安机关、国家安全机关依法履职提供技术、数据支持和协助的工作机制",
            "明确安全管理负责人为联络人，公安机关依法调取数据时在规定时间内提供，并建立工作台账。"),
)
MEASURE_BY_KEY = {measure.key: measure for measure in MEASURES}

# §5 (三): the log items kept; 网络安全法 第二十一条 sets at least six months.
LOG_ITEMS = ("账号", "操作时间", "操作类型", "网络源地址和目标地址", "网络源端口", "客户端硬件特征", "用户发布信息记录")
MIN_LOG_MONTHS = 6

# 实际情况 and 评估结论: enough words to say what was actually done.
MIN_SITUATION, MAX_SITUATION = 20, 1000


def scope_of(items):
    """The SCOPE items a filing's interactive items (or a 小程序's content types) amount to, in
    SCOPE's order; empty when the service needs no report."""
    found = {scope for item in items or [] for scope in ITEM_SCOPE.get(item, ())}
    return [scope for scope in SCOPE if scope in found]


def added(before, after):
    """What after's items bring into scope that before's did not (a first filing: before is empty)."""
    had = scope_of(before)
    return [scope for scope in scope_of(after) if scope not in had]


def scope_table(form_items):
    """(the form's item, what it counts as) for the 填写规范 page: every item of form_items that is
    in scope, once."""
    return [(item, "、".join(ITEM_SCOPE[item])) for item in dict.fromkeys(form_items) if item in ITEM_SCOPE]
