"""The top menu, assembled from the entries each app declares in its menu.py:

    register_menu(MenuItem("调研", "research:trip_list", Role.ALL, group=LEDGERS, order=10))

Entries are grouped by task into a few dropdowns; a user sees the entries their roles allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.permissions import Role, user_roles

MY_WORK, LEDGERS, ROSTER, SUPERVISION, ADMINISTRATION = (
    "my_work", "ledgers", "roster", "supervision", "administration")
GROUPS = {MY_WORK: "我的工作", LEDGERS: "工作台账", ROSTER: "组织与名册",
          SUPERVISION: "督查", ADMINISTRATION: "系统管理"}


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    group: str
    order: int = 100


MENU: dict[str, MenuItem] = {}


def register_menu(*items: MenuItem) -> None:
    for item in items:
        if item.group not in GROUPS:
            raise ValueError(f"menu entry {item.url_name}: unknown group {item.group!r}")
        MENU[item.url_name] = item  # by URL name: registering again replaces


def menu_for(user) -> list[tuple[str, list[MenuItem]]]:
    """[(group label, entries)] the user's roles may open, groups in their fixed order."""
    roles = user_roles(user)
    allowed = [item for item in MENU.values()
               if Role.SYSADMIN in roles or roles & set(item.roles)]
    return [(label, sorted((i for i in allowed if i.group == group),
                           key=lambda i: (i.order, i.label)))
            for group, label in GROUPS.items() if any(i.group == group for i in allowed)]
