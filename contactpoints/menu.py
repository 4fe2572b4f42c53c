from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

register_menu(MenuItem("走访", "contactpoints:visit_list", Role.LIAISON, LEDGERS, order=40))
