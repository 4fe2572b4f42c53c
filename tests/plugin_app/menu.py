from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

register_menu(MenuItem("跑腿", "plugin_app:errand_list", Role.LIAISON, LEDGERS, order=90))
