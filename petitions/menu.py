from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

CASE_READERS = (Role.PETITIONS, Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
register_menu(MenuItem("信访事项", "petitions:petition_list", CASE_READERS, LEDGERS, order=50))
register_menu(MenuItem("接访日", "petitions:reception_list", Role.ALL, LEDGERS, order=60))
register_menu(MenuItem("接访日历", "petitions:reception_calendar", Role.ALL, LEDGERS, order=61))
