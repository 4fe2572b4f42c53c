from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

register_menu(MenuItem("党员承诺", "pledges:pledge_list", Role.LIAISON, LEDGERS, order=90))
register_menu(MenuItem("到社区报到", "pledges:registration_list", Role.LIAISON, LEDGERS,
                       order=91))
register_menu(MenuItem("承诺审核", "pledges:vetting", (Role.UNIT_ADMIN,), LEDGERS, order=92))
register_menu(MenuItem("党员岗位", "pledges:post_list", Role.LIAISON, LEDGERS, order=93))
register_menu(MenuItem("社区需求和志愿服务", "pledges:activity_list", Role.LIAISON, LEDGERS,
                       order=94))
