from liaison.navigation import LEDGERS, MenuItem, register_menu
from liaison.permissions import Role

register_menu(
    MenuItem("调研", "research:trip_list", Role.LIAISON, LEDGERS, order=10),
    MenuItem("调研报告", "research:report_list", Role.LIAISON, LEDGERS, order=20),
    MenuItem("调研课题", "research:topic_list", Role.LIAISON, LEDGERS, order=30),
)
