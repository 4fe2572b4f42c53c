"""A realistic demo district (deterministic): run on an empty database."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from liaison.demo import DEMO_BUILDERS
from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    RoleGrant,
    User,
)
from liaison.permissions import Role

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健"
    "俊帆帅旭宁婷雪琳晶欣建国志强海燕春梅立新红梅丽华文博子涵雨欣"
)
STREETS = ["东风路", "人民路", "解放路", "建设路", "和平路", "光明街", "幸福里", "新华街", "文化路",
           "团结路"]
SUBDISTRICTS = ["东城", "西城", "南关", "北关", "城关", "新华"]
CLUSTERS = ["先进制造业集聚区", "高新技术集聚区", "临港物流集聚区"]
UNITS = [
    "区委办公室", "区政府办公室", "区委组织部", "区委宣传部", "区委统战部", "区委政法委",
    "区纪委监委",
    "区发展改革委", "区教育局", "区科技局", "区工信局", "区民政局", "区司法局", "区财政局",
    "区人社局", "区自然资源局", "区生态环境局", "区住建局", "区交通运输局", "区农业农村局",
    "区商务局", "区文旅局", "区卫健委", "区退役军人事务局", "区应急管理局", "区审计局",
    "区市场监管局", "区统计局", "区医保局", "区信访局",
]
PASSWORD = "Demo@Liaison2025"  # meets the 10-character rule real accounts follow
DEMO_LOGINS = [
    ("admin", Role.SYSADMIN, "QD", "系统管理员（须设置 TOTP）"),
    ("zzb", Role.ORG_DEPT, "QD", "组织部（须设置 TOTP）"),
    ("jjjc", Role.INSPECTOR, "QD", "纪检监察（须设置 TOTP）"),
    ("xfb", Role.PETITIONS, "QD", "信访（须设置 TOTP）"),
    ("dwgly", Role.UNIT_ADMIN, "BSC01", "东城办事处单位管理员"),
    ("ganbu", Role.CADRE, None, "干部（东城办事处一社区干部）"),
]


class Command(BaseCommand):
    help = "生成演示数据：9 个办事处/集聚区、54 个社区、30 个区直单位、1000 名干部、1 万户住户。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库已有单位时什么也不做（供一键启动使用）")

    def handle(self, *args, if_empty=False, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                self.print_logins()
                return
            raise CommandError("数据库已有单位数据；演示数据只能在空库中生成")
        rng = random.Random(20251126)
        with transaction.atomic():
            self.build(rng)
            today = timezone.localdate()
            for builder in DEMO_BUILDERS:  # each app's records (liaison/demo.py)
                builder(rng, today)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成：单位 {Organization.objects.count()}，干部 {Cadre.objects.count()}，"
            f"住户 {Household.objects.count()}，联系关系 {ContactAssignment.objects.count()}"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"演示账号（密码均为 {PASSWORD}）：")
        for username, _, _, note in DEMO_LOGINS:
            self.stdout.write(f"  {username:<6} {note}")

    def build(self, rng: random.Random) -> None:
        def org(code, name, type_, parent=None):
            o = Organization(code=code, name=name, type=type_, parent=parent)
            o.save()
            return o

        T = Organization.Type
        district = org("QD", "示范区", T.DISTRICT)
        subdistricts, communities = [], []
        for i, name in enumerate(SUBDISTRICTS, 1):
            subdistricts.append(org(f"BSC{i:02d}", f"{name}办事处", T.SUBDISTRICT, district))
        for i, name in enumerate(CLUSTERS, 1):
            subdistricts.append(org(f"JJQ{i:02d}", f"{name}管委会", T.CLUSTER, district))
        for s_index, parent in enumerate(subdistricts, 1):
            base = parent.name.replace("办事处", "").replace("管委会", "")
            for j in range(1, 7):
                communities.append(org(f"SQ{s_index:02d}{j:02d}", f"{base}第{j}社区",
                                       T.COMMUNITY, parent))
        units = [org(f"BM{i:02d}", name, T.DEPARTMENT, district) for i, name in
                 enumerate(UNITS, 1)]

        used_names: set[str] = set()

        def name():
            while True:
                given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                n = rng.choice(SURNAMES) + given
                if n not in used_names or len(used_names) > 5000:
                    used_names.add(n)
                    return n

        cadres, positions = [], []
        year_start = dt.date(2020, 1, 1)

        def cadre(org_, category, start=None):
            c = Cadre(code=f"GB{len(cadres) + 1:04d}", name=name(),
                      phone=f"13{rng.randint(100000000, 999999999)}")
            cadres.append(c)
            positions.append((c, org_, category, start or year_start + dt.timedelta(
                days=rng.randint(0, 1500))))
            return c

        C = Category
        leaders = [cadre(district, C.DISTRICT_PRINCIPAL) for _ in range(2)]
        leaders += [cadre(district, C.STANDING_COMMITTEE) for _ in range(9)]
        leaders += [cadre(district, C.DISTRICT_LEADER) for _ in range(20)]
        for unit in units:
            cadre(unit, C.DEPARTMENT_HEAD)
        for sd in subdistricts:
            cadre(sd, C.SUBDISTRICT_HEAD)
            cadre(sd, C.SUBDISTRICT_HEAD)
            for _ in range(5):
                cadre(sd, C.SUBDISTRICT_LEADER)
        for _ in range(300):
            cadre(rng.choice(units + subdistricts), C.SECTION_CADRE)
        community_cadres = []
        for community in communities:
            for _ in range(4):
                community_cadres.append(cadre(community, C.COMMUNITY_CADRE))
        members = []
        while len(cadres) < 1000:
            members.append(cadre(rng.choice(units + communities), C.PARTY_MEMBER))

        bulk_create_with_history(cadres, Cadre)
        saved = {c.code: c for c in Cadre.objects.all()}
        bulk_create_with_history(
            [Position(cadre=saved[c.code], organization=o, category=cat, start_date=s)
             for c, o, cat, s in positions], Position)
        # A mid-year promotion: one section cadre becomes a unit head in 2025.
        promoted = saved[cadres[300].code]
        Position.objects.create(cadre=promoted, organization=units[0],
                                category=C.DEPARTMENT_HEAD, start_date=dt.date(2025, 7, 1))

        households = []
        for i in range(10000):
            community = communities[i % len(communities)]
            households.append(Household(
                code=f"HH{i + 1:05d}", head_name=name(), community=community,
                address=f"{community.name}{rng.choice(STREETS)}{rng.randint(1, 60)}号"
                        f"{rng.randint(1, 6)}单元{rng.randint(101, 1802)}",
                phone=f"15{rng.randint(100000000, 999999999)}",
                is_poor=rng.random() < 0.08,
            ))
        households = bulk_create_with_history(households, Household)
        households = list(Household.objects.order_by("code"))

        K = ContactAssignment.Kind
        start = dt.date(2024, 1, 1)
        assignments = []
        leader_cadres = [saved[c.code] for c in leaders]
        # Leader contact points: every sub-district but the last cluster; two overlaps.
        for i, sd in enumerate(subdistricts[:-1]):
            assignments.append(ContactAssignment(kind=K.LEADER_POINT, cadre=leader_cadres[i],
                                                 target_org=sd, start_date=start))
        for i, community in enumerate(communities[:20]):
            assignments.append(ContactAssignment(
                kind=K.LEADER_POINT, cadre=leader_cadres[8 + i % 23], target_org=community,
                start_date=start))
        assignments.append(ContactAssignment(kind=K.LEADER_POINT, cadre=leader_cadres[30],
                                             target_org=subdistricts[0], start_date=start))
        # Units to communities: a few communities left uncovered, one overlap.
        for i, community in enumerate(communities[:-4]):
            assignments.append(ContactAssignment(kind=K.UNIT_COMMUNITY, unit=units[i % 30],
                                                 target_org=community, start_date=start))
        assignments.append(ContactAssignment(kind=K.UNIT_COMMUNITY, unit=units[29],
                                             target_org=communities[0], start_date=start))
        # Party members to poor households: about one in twenty left without a contact.
        helpers = [saved[c.code] for c in members + community_cadres]
        poor = [h for h in households if h.is_poor]
        for i, household in enumerate(poor):
            if i % 20 == 19:
                continue
            assignments.append(ContactAssignment(kind=K.HOUSEHOLD, cadre=helpers[i % len(helpers)],
                                                 target_household=household,
                                                 start_date=dt.date(2025, 3, 1)))
        bulk_create_with_history(assignments, ContactAssignment)

        ganbu_cadre = saved[community_cadres[0].code]
        for username, role, scope, _ in DEMO_LOGINS:
            user = User(username=username, is_staff=role == Role.SYSADMIN,
                        is_superuser=role == Role.SYSADMIN)
            user.set_password(PASSWORD)
            user.save()
            if role == Role.CADRE:
                ganbu_cadre.user = user
                ganbu_cadre.save()
                user.first_name = ganbu_cadre.name
                user.save()
                scope_org = communities[0]
            else:
                scope_org = Organization.objects.get(code=scope)
            RoleGrant.objects.create(user=user, group=Group.objects.get(name=role),
                                     organization=scope_org)
