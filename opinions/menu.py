from liaison.navigation import LEDGERS, MenuItem, register_menu
from opinions.scopes import READERS

register_menu(MenuItem("群众意见", "opinions:opinion_list", READERS, LEDGERS, order=80))
register_menu(MenuItem("意见分析研判", "opinions:analysis_list", READERS, LEDGERS, order=81))
