from liaison.navigation import LEDGERS, SUPERVISION, MenuItem, register_menu
from liaison.permissions import Role

register_menu(MenuItem("谈心谈话", "talks:talk_list", Role.LIAISON, LEDGERS, order=70))
register_menu(MenuItem("党组织负责人谈心", "talks:secretary_list",
                       (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN), SUPERVISION, order=55))
register_menu(MenuItem("班子两两谈心", "talks:team_list",
                       (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN), SUPERVISION, order=60))
