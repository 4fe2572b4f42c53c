"""Personal data (names, phones, addresses, ID numbers): shown in full only where the model's
policy allows it (liaison.permissions.personal_data_q), masked everywhere else. Lists, search
filters, form pickers and detail pages all use these helpers, so the rule lives in one place.
"""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from liaison.permissions import personal_data_q, policy_of

FLAG = "personal_visible"


def mask_name(name: str) -> str:
    """张三 -> 张*: the surname only."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(number: str) -> str:
    """Only the last 4 characters."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask_text(text: str) -> str:
    return "***" if text else ""


# An address is cut after its road, street, lane or village: 和平路12号3栋201 -> 和平路***.
_ADDRESS_PLACE = re.compile(r"^\D*?(?:大街|大道|胡同|小区|路|街|道|巷|弄|里|村|屯|组)")


def mask_address(address: str) -> str:
    """The address down to its road (or street, lane, village); house numbers never."""
    if not address:
        return ""
    place = _ADDRESS_PLACE.match(address)
    if place is None:
        return "***"
    return place.group(0) + ("***" if place.end() < len(address) else "")


MASKS = {"name": mask_name, "phone": mask_phone, "address": mask_address,
         "id_number": mask_id_number, "text": mask_text}


def personal_masks(model) -> dict:
    """{field name: mask function} of the model's personal fields (its policy's
    `personal_fields`)."""
    return {field: MASKS[kind] for field, kind in policy_of(model).personal_fields}


def masked_value(model, field: str, value):
    """`value` of `model`'s `field`, masked when the field holds personal data."""
    mask = personal_masks(model).get(field)
    return value if mask is None else mask("" if value is None else str(value))


def _flag(queryset: QuerySet, model, q: Q, through: str) -> QuerySet:
    if not q:  # Q(): everything
        return queryset.annotate(**{FLAG: Value(True)})
    rows = model._default_manager.filter(q, pk=OuterRef(through or "pk"))
    return queryset.annotate(**{FLAG: Exists(rows)})


def with_personal_flag(queryset: QuerySet, model, user, through: str = "") -> QuerySet:
    """Annotate every row with `personal_visible`: whether its `model` row (the row itself,
    or the one its foreign key `through` points to) may be shown in full to `user` on a page
    or in a one-click export. Never for a `reveal_only` model (households): those are shown
    masked to everyone until revealed (with_reveal_flag, may_reveal)."""
    if policy_of(model).reveal_only:
        return queryset.annotate(**{FLAG: Value(False)})
    return _flag(queryset, model, personal_data_q(model, user), through)


def with_reveal_flag(queryset: QuerySet, model, user, through: str = "") -> QuerySet:
    """`personal_visible` set on the rows whose personal data `user` may reveal: for an export
    with a reason, which is logged (ObjectListView)."""
    return _flag(queryset, model, personal_data_q(model, user), through)


def with_own_rows_flag(queryset: QuerySet, model, user, through: str = "") -> QuerySet:
    """`personal_visible` set on the policy's own rows of `user` only (a cadre's households
    currently linked to them): a cadre's own pickers, on a phone, name the people they visit
    (liaison.forms.household_choices). A unit admin's grants do not count here."""
    policy = policy_of(model)
    if policy.personal_rows is None or not getattr(user, "is_authenticated", False):
        return queryset.annotate(**{FLAG: Value(False)})
    return _flag(queryset, model, policy.personal_rows(user), through)


def may_reveal(user, obj) -> bool:
    """Whether `user` may see this object's personal data in full (on a click, for a
    `reveal_only` model)."""
    if obj is None:
        return False
    q = personal_data_q(type(obj), user)
    return not q or type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def personal_visible(user, obj) -> bool:
    """Whether a page shows this object's personal data without a click: never for a
    `reveal_only` model, otherwise when the user may see it (a detail page)."""
    if obj is None or policy_of(type(obj)).reveal_only:
        return False
    return may_reveal(user, obj)


class PersonalExportMixin:
    """For an export resource: the model's personal fields are written in full only for the
    rows flagged `personal_visible` (with_personal_flag / with_reveal_flag on the exported
    queryset), masked for every other row. A masked file imported back changes nothing: a
    masked value that is the mask of the stored one keeps the stored one."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if getattr(instance, FLAG, False):
            return value
        return masked_value(type(instance), field.attribute or "", value)

    def import_instance(self, instance, row, **kwargs):
        if instance.pk:
            masks = personal_masks(type(instance))
            for field in self.fields.values():
                if field.attribute not in masks or field.column_name not in row:
                    continue
                stored = getattr(instance, field.attribute) or ""
                if stored and row[field.column_name] == masks[field.attribute](stored):
                    row[field.column_name] = stored
        super().import_instance(instance, row, **kwargs)


def shown(value: str, visible: bool, mask=mask_name) -> str:
    return value if visible else mask(value or "")


def personal_search_q(model, user, value: str, *, public: tuple[str, ...],
                      personal: tuple[str, ...]) -> Q:
    """Free-text search: `public` fields always, `personal` fields only on the rows whose
    personal data the user may see (a masked name must not be found by its full spelling)."""
    q = Q()
    for field in public:
        q |= Q(**{f"{field}__icontains": value})
    visible = personal_data_q(model, user)
    for field in personal:
        q |= Q(**{f"{field}__icontains": value}) & Q(
            pk__in=model._default_manager.filter(visible).values("pk"))
    return q


# --- removing personal data from text that will be published --------------------------------

# Common surnames (向 and 于 left out: as prepositions they precede 书记, 主任... too often).
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
             "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
             "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤")
_COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|夏侯|端木"
_TITLES = "先生|女士|小姐|阿姨|大姐|大哥|大伯|大爷|大妈|奶奶|爷爷|师傅|老师|同志|书记|主任"
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
NUMBER_REDACTIONS = (
    # An ID number (18 characters, or the old 15 digits) before any shorter run of digits.
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[身份证号已隐去]"),
    (re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])"), "[身份证号已隐去]"),
    (re.compile(r"(?<!\d)(?:(?:\+|00)?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"),
     "[电话已隐去]"),
    (re.compile(r"(?:[(（]0\d{2,3}[)）]\s*|(?<!\d)0\d{2,3}[- ]?)\d{7,8}(?!\d)"), "[电话已隐去]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[邮箱已隐去]"),
)
NAME_REDACTIONS = (
    # A name after the words that introduce one: 姓名：欧阳娜娜, 联系人是王五, 我叫李四.
    (re.compile(r"(姓名|联系人|户主|反映人|投诉人|举报人)(\s*[:：是为]\s*)[\u4e00-\u9fa5]{2,4}"),
     r"\1\2某某"),
    (re.compile(r"(我叫)(\s*)[\u4e00-\u9fa5]{2,3}"), r"\1\2某某"),
    # A surname and a form of address: 张先生, 李阿姨, 欧阳先生.
    (re.compile(rf"(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])(?={_TITLES})"), "某"),
)


def redact_personal(text: str, *, names: bool = True) -> str:
    """The text without ID numbers, phone numbers, e-mail addresses and (with `names`) the
    names that can be recognised (after 姓名/联系人/我叫..., or a surname with a form of
    address). Whoever publishes sees the result first and may correct it: names are not always
    recognisable, and a word may be taken for one."""
    text = (text or "").translate(_FULL_WIDTH_DIGITS)
    for pattern, replacement in (*NUMBER_REDACTIONS, *(NAME_REDACTIONS if names else ())):
        text = pattern.sub(replacement, text)
    return text
