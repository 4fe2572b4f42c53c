from liaison.navigation import SUPERVISION, MenuItem, register_menu
from liaison.permissions import Role

register_menu(
    MenuItem("督查看板", "supervision:dashboard", (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN),
             SUPERVISION, order=10),
    MenuItem("季度通报", "supervision:official_bulletin", (Role.ORG_DEPT,), SUPERVISION,
             order=15),
    MenuItem("指标要求", "supervision:quotas", (Role.ORG_DEPT, Role.INSPECTOR), SUPERVISION,
             order=20),
    MenuItem("年度关闭", "supervision:years", (Role.ORG_DEPT, Role.INSPECTOR), SUPERVISION,
             order=30),
    MenuItem("督查检查", "supervision:inspection_list",
             (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN), SUPERVISION, order=40),
    MenuItem("整改事项", "supervision:rectification_list",
             (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN), SUPERVISION, order=45),
    MenuItem("可信度提示", "supervision:flag_list", (Role.ORG_DEPT, Role.INSPECTOR),
             SUPERVISION, order=58),
    MenuItem("双随机抽查", "supervision:spotcheck_list", (Role.ORG_DEPT, Role.INSPECTOR),
             SUPERVISION, order=50),
    MenuItem("抽查核实记录", "supervision:spotitem_list", (Role.ORG_DEPT, Role.INSPECTOR),
             SUPERVISION, order=52),
    MenuItem("无法核实记录", "supervision:spot_unverifiable", (Role.ORG_DEPT, Role.INSPECTOR),
             SUPERVISION, order=54),
    MenuItem("移送纪检监察", "supervision:spot_referrals", (Role.INSPECTOR,), SUPERVISION,
             order=56),
)
