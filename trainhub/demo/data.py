"""The demo's content. Fictional people and enterprises only; codes are valid GB 32100 codes."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "trainhub2021"

UNITS = [
    # name, kind, district
    ("市标准化研究院", "institute", ""),
    ("全国汽车标准化技术委员会", "technical_committee", ""),
    ("市工商业联合会", "federation", ""),
    ("朝阳区市场监督管理局", "district_bureau", "朝阳区"),
    ("海淀区市场监督管理局", "district_bureau", "海淀区"),
]

STAFF = [
    # email, name, role, unit name (None: the commission)
    ("admin@trainhub.local", "李主任", "organizer", None),
    ("institute@trainhub.local", "周老师", "organizer", "市标准化研究院"),
    ("chaoyang@trainhub.local", "陈科长", "organizer", "朝阳区市场监督管理局"),
    ("haidian@trainhub.local", "刘科长", "organizer", "海淀区市场监督管理局"),
    ("tc@trainhub.local", "孙秘书长", "organizer", "全国汽车标准化技术委员会"),
    ("federation@trainhub.local", "吴部长", "organizer", "市工商业联合会"),
    ("trainer1@trainhub.local", "王教授", "trainer", None),
    ("trainer2@trainhub.local", "赵研究员", "trainer", None),
]

ENTERPRISES = [
    # name, region code for the USCC, district, industry, pilot, member email, member name
    ("华北精密机械有限公司", "110105", "朝阳区", "装备制造", True, "hr@huabei-jixie.example.cn", "张伟"),
    ("清源新能源科技股份有限公司", "110108", "海淀区", "新能源", True, "std@qingyuan.example.cn", "王芳"),
    ("京安食品集团有限公司", "110105", "朝阳区", "食品", False, "quality@jingan-food.example.cn", "李娜"),
    ("中科数智信息技术有限公司", "110108", "海淀区", "信息技术", False, "admin@zkshuzhi.example.cn", "刘洋"),
    ("恒通汽车零部件有限公司", "110105", "朝阳区", "汽车零部件", False, "office@hengtong-auto.example.cn", "陈静"),
]

ATTENDEE_NAMES = [
    "杨帆",
    "黄磊",
    "周敏",
    "吴昊",
    "徐静",
    "孙浩",
    "马丽",
    "朱强",
    "胡月",
    "郭涛",
    "何平",
    "高洁",
    "林峰",
    "罗婷",
    "郑凯",
    "梁爽",
    "谢雨",
    "宋佳",
    "唐亮",
    "韩雪",
]

CAMPAIGN_2021: dict[str, Any] = {
    "title": "2021年世界标准日系列活动",
    "theme": "标准促进可持续发展，共建更加美好的世界",
    "description": (
        "今年世界标准日的主题是“标准促进可持续发展，共建更加美好的世界”，"
        "我国的宣传主题是“实施标准化纲要，促进高质量发展”。"
        "请各单位围绕主题组织开展系列宣传和培训活动，并于10月27日前报送活动总结（电子版）。"
    ),
    "starts_on": (2021, 10, 1),
    "ends_on": (2021, 10, 31),
    "report_due": (2021, 10, 27, 17, 0),
}

# title, kind, mode, topic, host unit (None: commission), co units, (y, m, d, h, mi), hours, venue, capacity
EVENTS_2021 = [
    (
        "“标准化与创新可持续发展”研讨会",
        "seminar",
        "offline",
        "标准化与创新",
        None,
        ["全国汽车标准化技术委员会"],
        (2021, 10, 14, 9, 0),
        3,
        "市标准化研究院一层报告厅",
        120,
    ),
    (
        "民营经济标准化工作会议",
        "meeting",
        "offline",
        "民营经济标准化",
        "市工商业联合会",
        [],
        (2021, 10, 20, 14, 0),
        2,
        "市工商联会议中心",
        80,
    ),
    (
        "标准化云课堂：标准化法律法规",
        "training",
        "online",
        "标准化法律法规",
        "市标准化研究院",
        [],
        (2021, 10, 12, 14, 0),
        2,
        "",
        300,
    ),
    (
        "标准化云课堂：国际标准化",
        "training",
        "online",
        "国际标准化",
        "市标准化研究院",
        [],
        (2021, 10, 19, 14, 0),
        2,
        "",
        300,
    ),
    (
        "标准化云课堂：地方标准及其管理",
        "training",
        "hybrid",
        "地方标准",
        "市标准化研究院",
        ["朝阳区市场监督管理局"],
        (2021, 10, 26, 14, 0),
        2,
        "朝阳区市场监督管理局三层培训室",
        150,
    ),
    (
        "企业标准化管理人员培训班",
        "training",
        "offline",
        "标准化管理",
        "朝阳区市场监督管理局",
        [],
        (2021, 10, 22, 9, 0),
        6,
        "朝阳区政务服务中心培训室",
        60,
    ),
]

UPCOMING_CAMPAIGN_TITLE = "标准化云课堂·企业标准化能力提升专题"
# title, kind, mode, topic, host, co units, days from today, start hour, hours, venue, capacity, quota, reserved, approval
UPCOMING_EVENTS = [
    (
        "标准化云课堂：企业标准自我声明公开",
        "training",
        "online",
        "企业标准",
        "市标准化研究院",
        [],
        5,
        14,
        2,
        "",
        200,
        None,
        0,
        False,
    ),
    (
        "团体标准制定实务培训",
        "training",
        "offline",
        "团体标准",
        "朝阳区市场监督管理局",
        [],
        9,
        9,
        3,
        "朝阳区政务服务中心培训室",
        40,
        3,
        10,
        False,
    ),
    (
        "标准化试点示范项目经验交流会",
        "seminar",
        "hybrid",
        "试点示范",
        None,
        ["海淀区市场监督管理局"],
        14,
        9,
        3,
        "市标准化研究院一层报告厅",
        80,
        5,
        20,
        True,
    ),
    (
        "标准国际化与“走出去”专题讲座",
        "training",
        "offline",
        "国际标准化",
        "海淀区市场监督管理局",
        [],
        21,
        14,
        2,
        "海淀区创业服务中心",
        10,
        4,
        0,
        False,
    ),
]

REPORT_CHAOYANG = {
    "summary": "10月，我局围绕世界标准日主题，联合市标准化研究院举办“地方标准及其管理”云课堂，"
    "并开展企业标准化管理人员培训班一期，组织辖区企业集中学习《国家标准化发展纲要》。",
    "outcomes": "覆盖辖区企业 5 家、参训人员 30 余人次；2 家企业提出参与团体标准制定的意向。",
}
REPORT_INSTITUTE_DRAFT = {
    "summary": "市标准化研究院承办标准化云课堂系列课程三讲（法律法规、国际标准化、地方标准）。",
    "outcomes": "",
}
NEWS_FEDERATION = {
    "title": "民营经济标准化工作会议顺利召开",
    "body": "市工商联召开民营经济标准化工作会议，交流企业标准化良好实践，推动民营企业对标达标。",
}
NEWS_CHAOYANG_PENDING = {
    "title": "朝阳区举办企业标准化管理人员培训班",
    "body": "培训班围绕企业标准体系建设、标准自我声明公开等内容进行讲解。",
}
