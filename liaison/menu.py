from liaison.navigation import (
    ADMINISTRATION,
    MY_WORK,
    ROSTER,
    SUPERVISION,
    MenuItem,
    register_menu,
)
from liaison.permissions import Role

READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)

register_menu(
    MenuItem("首页", "home", Role.ALL, MY_WORK, order=0),
    MenuItem("我的工作台", "workbench", (Role.CADRE,), MY_WORK, order=10),
    MenuItem("组织架构", "organization_tree", Role.ALL, ROSTER, order=10),
    MenuItem("干部名册", "cadre_list", READERS, ROSTER, order=20),
    MenuItem("住户", "household_list", Role.LIAISON, ROSTER, order=30),
    MenuItem("联系关系", "assignment_list", Role.LIAISON, ROSTER, order=40),
    MenuItem("覆盖情况", "coverage", READERS, ROSTER, order=50),
    MenuItem("数据导入", "import_index", (Role.ORG_DEPT, Role.UNIT_ADMIN, Role.PETITIONS),
             ADMINISTRATION, order=10),
    MenuItem("开通账号", "cadre_logins", (Role.ORG_DEPT,), ADMINISTRATION, order=20),
    MenuItem("个人信息访问记录", "personal_data_access_list", (Role.INSPECTOR,), SUPERVISION,
             order=90),
)
