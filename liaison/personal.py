"""Personal data (names, phones, addresses, ID numbers): shown in full only where the model's
policy allows it (liaison.permissions.personal_data_q), masked everywhere else. Lists, search
filters, form pickers and detail pages all use these helpers, so the rule lives in one place.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from liaison.permissions import personal_data_q

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


def with_personal_flag(queryset: QuerySet, model, user, through: str = "") -> QuerySet:
    """Annotate every row with `personal_visible`: whether its `model` row (the row itself,
    or the one its foreign key `through` points to) may be shown in full to `user`."""
    q = personal_data_q(model, user)
    if not q:  # Q(): everything
        return queryset.annotate(**{FLAG: Value(True)})
    rows = model._default_manager.filter(q, pk=OuterRef(through or "pk"))
    return queryset.annotate(**{FLAG: Exists(rows)})


def personal_visible(user, obj) -> bool:
    """The same answer for one object (a detail page)."""
    if obj is None:
        return False
    q = personal_data_q(type(obj), user)
    return not q or type(obj)._default_manager.filter(q, pk=obj.pk).exists()


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
