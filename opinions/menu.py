from liaison.navigation import LEDGERS, SUPERVISION, MenuItem, register_menu
from opinions.scopes import READERS

register_menu(MenuItem("群众意见", "opinions:opinion_list", READERS, LEDGERS, order=80))
register_menu(MenuItem("意见分析研判", "opinions:analysis_list", READERS, LEDGERS, order=81))
register_menu(MenuItem("群众意见分析", "opinions:analysis", READERS, SUPERVISION, order=70))
register_menu(MenuItem("征求意见表", "opinions:questionnaire_list", READERS, LEDGERS, order=82))
