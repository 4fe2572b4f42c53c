"""The seven sectors of policy 三(六)2 (细化承诺内容) and the suggested wording a member starts
a pledge from.

Kept as data in code, not as a model: the wording follows the policy text, changes only when
the policy does, and is reviewed and versioned with the code like the policy's other rules
(quotas aside). A member edits the suggested items freely; only the sector chosen is stored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sector:
    code: str
    label: str
    focus: str  # what the policy asks members of the sector to pledge
    suggestions: tuple[str, ...]


SECTORS: tuple[Sector, ...] = (
    Sector("community", "社区", "服务社区群众、参与社区建设、维护社区稳定", (
        "每月入户走访联系户不少于 2 次，及时反映群众诉求",
        "参与网格管理和社区建设，每季度参加一次社区公益活动",
        "参与矛盾纠纷排查化解，维护社区和谐稳定",
    )),
    Sector("government", "机关和事业单位", "改进作风、提高效能、服务群众、廉洁自律", (
        "改进工作作风，首问负责、一次性告知，限时办结群众事项",
        "提高工作效能，本岗位业务按时办结率达到 100%",
        "到报到社区开展志愿服务，每年不少于 20 小时",
        "严守廉洁纪律，不吃拿卡要，自觉接受群众监督",
    )),
    Sector("enterprise", "企业", "遵守法律法规、团结凝聚职工群众、维护各方合法权益、促进生产经营", (
        "带头遵守国家法律法规和企业规章制度，依法诚信经营",
        "每季度与职工谈心谈话，团结凝聚职工群众",
        "维护职工和企业合法权益，及时反映和化解劳动关系矛盾",
        "立足岗位创先争优，完成年度生产经营任务",
    )),
    Sector("education", "教育", "教书育人、推进教育改革、提升教学质量", (
        "为人师表、关爱学生，每学期家访或联系学生家长不少于 10 户",
        "积极参与教育教学改革，每学期上一节公开课",
        "帮带青年教师，提升所任学科教学质量",
    )),
    Sector("health", "卫生", "提高医疗服务质量、优化医疗服务环境、保障人民群众身体健康", (
        "规范诊疗、合理用药，提高医疗服务质量",
        "优化服务流程，改善就医环境，热情接待每一位患者",
        "每季度参加一次义诊或健康宣教进社区活动",
    )),
    Sector("window", "窗口服务单位", "建设群众满意窗口、创造优质服务品牌、提高服务水平", (
        "亮标准、亮身份、亮承诺：佩戴党员徽章，公开服务标准和承诺",
        "比技能、比作风、比业绩：熟练掌握业务，一次性告知、限时办结",
        "接受群众评议、党员互评、领导点评，群众满意率达到 95% 以上",
        "设立党员先锋岗（责任区），创建群众满意窗口和优质服务品牌",
    )),
    Sector("social", "社会组织", "凝聚群众、激发活力、促进发展", (
        "带头参与公益服务，每季度组织或参加一次志愿服务活动",
        "联系凝聚服务对象和从业人员，及时反映意见建议",
        "规范组织运作，促进本组织健康发展",
    )),
)

BY_CODE = {sector.code: sector for sector in SECTORS}
CHOICES = [(sector.code, sector.label) for sector in SECTORS]
# 三亮三比三评 (policy 三(六)3): asked of members of service windows and service trades.
THREE_THREE_THREE = ("亮标准、亮身份、亮承诺，比技能、比作风、比业绩，"
                     "群众评议、党员互评、领导点评")


def suggested_items(code: str) -> str:
    """The sector's suggested items, one a line (empty for an unknown sector)."""
    sector = BY_CODE.get(code)
    return "\n".join(sector.suggestions) if sector else ""
