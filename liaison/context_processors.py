from django.conf import settings

from liaison.permissions import Role, user_roles

# (label, url name, roles that see it); the menu shows what the user's roles may open.
MENU = [
    ("首页", "home", Role.ALL),
    ("我的工作台", "workbench", (Role.CADRE,)),
    ("调研", "research:trip_list", Role.ALL),
    ("调研报告", "research:report_list", Role.ALL),
    ("调研课题", "research:topic_list", Role.ALL),
    ("走访", "contactpoints:visit_list", Role.ALL),
    ("组织架构", "organization_tree", Role.ALL),
    ("干部名册", "cadre_list", (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)),
    ("住户", "household_list", Role.ALL),
    ("联系关系", "assignment_list", Role.ALL),
    ("覆盖情况", "coverage", (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)),
    ("数据导入", "import_index", (Role.ORG_DEPT, Role.UNIT_ADMIN)),
    ("开通账号", "cadre_logins", (Role.ORG_DEPT,)),
    ("督查看板", "supervision:dashboard", (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)),
    ("指标要求", "supervision:quotas", (Role.ORG_DEPT, Role.INSPECTOR)),
    ("年度关闭", "supervision:years", (Role.ORG_DEPT, Role.INSPECTOR)),
]


def navigation(request):
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else frozenset()
    menu = [
        (label, name) for label, name, allowed in MENU
        if Role.SYSADMIN in roles or roles & set(allowed)
    ]
    return {"menu": menu, "user_roles": sorted(roles), "district_name": settings.DISTRICT_NAME}
