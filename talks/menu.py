from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

register_menu(MenuItem("谈心谈话", "talks:talk_list", Role.LIAISON, LEDGERS, order=70))
