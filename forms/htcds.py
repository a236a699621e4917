"""The choices the evaluation counts, after IOM's Human Trafficking Case Data Standard (HTCDS v2).

Each choice keeps the app's code (stored in case data), its label (translated) and the HTCDS
value name that a row-level export writes. Places are GB/T 2260 administrative division codes.
"""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


class StandardChoice(NamedTuple):
    """A choice with its app code, label (translated) and HTCDS value name (None: no match)."""

    code: str
    label: LazyString
    htcds: str | None


class Division(NamedTuple):
    """An administrative division: GB/T 2260 code, English label (translated), Chinese name."""

    code: str
    name: LazyString
    name_zh: str


# HTCDS v2 `vic_TypeOfExploitation`: the 11 types of exploitation, several per victim.
EXPLOITATION_TYPES = (
    StandardChoice("sexual", _l("Sexual exploitation"), "SexualExploitation"),
    StandardChoice("forced_labour", _l("Forced labour"), "ForcedLabour"),
    StandardChoice("domestic_servitude", _l("Domestic servitude"), "DomesticServitude"),
    StandardChoice("forced_marriage", _l("Forced marriage"), "ForcedMarriage"),
    StandardChoice(
        "child_sale_adoption", _l("Illegal adoption or sale of a child"), "IllegalAdoption"
    ),
    StandardChoice("begging", _l("Forced begging"), "ForcedBegging"),
    StandardChoice("criminal_activity", _l("Forced criminal activity"), "ForcedCriminalActivity"),
    StandardChoice("slavery", _l("Slavery and similar practices"), "SlaveryAndPractices"),
    StandardChoice("organ_removal", _l("Removal of organs"), "OrganRemoval"),
    StandardChoice("forced_military", _l("Forced military service"), "ForcedMilitaryService"),
    StandardChoice("other", _l("Other exploitation"), "Other"),
)

# HTCDS v2 `vic_MethodsOfControl`: the 17 means of control, several per victim.
MEANS_OF_CONTROL = (
    StandardChoice("debt_bondage", _l("Debt bondage"), "DebtBondage"),
    StandardChoice("takes_earnings", _l("Takes earnings"), "TakesEarnings"),
    StandardChoice(
        "restricts_financial_access", _l("Restricts financial access"), "RestrictsFinancialAccess"
    ),
    StandardChoice("threats", _l("Threats"), "Threats"),
    StandardChoice("psychological_abuse", _l("Psychological abuse"), "PsychologicalAbuse"),
    StandardChoice("physical_abuse", _l("Physical abuse"), "PhysicalAbuse"),
    StandardChoice("sexual_abuse", _l("Sexual abuse"), "SexualAbuse"),
    StandardChoice("false_promises", _l("False promises"), "FalsePromises"),
    StandardChoice(
        "psychoactive_substances", _l("Psychoactive substances"), "PsychoactiveSubstances"
    ),
    StandardChoice("restricts_movement", _l("Restricts movement"), "RestrictsMovement"),
    StandardChoice("restricts_medical_care", _l("Restricts medical care"), "RestrictsMedicalCare"),
    StandardChoice(
        "excessive_working_hours", _l("Excessive working hours"), "ExcessiveWorkingHours"
    ),
    StandardChoice("uses_children", _l("Uses children"), "UsesChildren"),
    StandardChoice(
        "threat_of_law_enforcement", _l("Threat of law enforcement"), "ThreatOfLawEnforcement"
    ),
    StandardChoice("withholds_necessities", _l("Withholds necessities"), "WithholdsNecessities"),
    StandardChoice("withholds_documents", _l("Withholds documents"), "WithholdsDocuments"),
    StandardChoice("other", _l("Other means of control"), "Other"),
)

# Relation of the victim to the recruiter; HTCDS v2 `vic_RelationshipToTrafficker` is coarser.
RECRUITER_RELATIONS = (
    StandardChoice("family", _l("Family member or relative"), "Familial"),
    StandardChoice("intimate_partner", _l("Intimate partner or spouse"), "Familial"),
    StandardChoice("friend", _l("Friend or acquaintance"), "Acquainted"),
    StandardChoice("employer", _l("Employer or work contact"), "Acquainted"),
    StandardChoice("broker", _l("Job, marriage or travel broker"), "Unacquainted"),
    StandardChoice("stranger", _l("Stranger"), "Unacquainted"),
    StandardChoice("unknown", _l("Not known"), None),
)

# The county-level divisions of Fujian (GB/T 2260, as of 2023), by prefecture.
FUJIAN_COUNTIES = (
    Division("350102", _l("Gulou District, Fuzhou"), "福州市鼓楼区"),
    Division("350103", _l("Taijiang District, Fuzhou"), "福州市台江区"),
    Division("350104", _l("Cangshan District, Fuzhou"), "福州市仓山区"),
    Division("350105", _l("Mawei District, Fuzhou"), "福州市马尾区"),
    Division("350111", _l("Jin'an District, Fuzhou"), "福州市晋安区"),
    Division("350112", _l("Changle District, Fuzhou"), "福州市长乐区"),
    Division("350121", _l("Minhou County"), "闽侯县"),
    Division("350122", _l("Lianjiang County"), "连江县"),
    Division("350123", _l("Luoyuan County"), "罗源县"),
    Division("350124", _l("Minqing County"), "闽清县"),
    Division("350125", _l("Yongtai County"), "永泰县"),
    Division("350128", _l("Pingtan County"), "平潭县"),
    Division("350181", _l("Fuqing City"), "福清市"),
    Division("350203", _l("Siming District, Xiamen"), "厦门市思明区"),
    Division("350205", _l("Haicang District, Xiamen"), "厦门市海沧区"),
    Division("350206", _l("Huli District, Xiamen"), "厦门市湖里区"),
    Division("350211", _l("Jimei District, Xiamen"), "厦门市集美区"),
    Division("350212", _l("Tong'an District, Xiamen"), "厦门市同安区"),
    Division("350213", _l("Xiang'an District, Xiamen"), "厦门市翔安区"),
    Division("350302", _l("Chengxiang District, Putian"), "莆田市城厢区"),
    Division("350303", _l("Hanjiang District, Putian"), "莆田市涵江区"),
    Division("350304", _l("Licheng District, Putian"), "莆田市荔城区"),
    Division("350305", _l("Xiuyu District, Putian"), "莆田市秀屿区"),
    Division("350322", _l("Xianyou County"), "仙游县"),
    Division("350404", _l("Sanyuan District, Sanming"), "三明市三元区"),
    Division("350405", _l("Shaxian District, Sanming"), "三明市沙县区"),
    Division("350421", _l("Mingxi County"), "明溪县"),
    Division("350423", _l("Qingliu County"), "清流县"),
    Division("350424", _l("Ninghua County"), "宁化县"),
    Division("350425", _l("Datian County"), "大田县"),
    Division("350426", _l("Youxi County"), "尤溪县"),
    Division("350428", _l("Jiangle County"), "将乐县"),
    Division("350429", _l("Taining County"), "泰宁县"),
    Division("350430", _l("Jianning County"), "建宁县"),
    Division("350481", _l("Yong'an City"), "永安市"),
    Division("350502", _l("Licheng District, Quanzhou"), "泉州市鲤城区"),
    Division("350503", _l("Fengze District, Quanzhou"), "泉州市丰泽区"),
    Division("350504", _l("Luojiang District, Quanzhou"), "泉州市洛江区"),
    Division("350505", _l("Quangang District, Quanzhou"), "泉州市泉港区"),
    Division("350521", _l("Hui'an County"), "惠安县"),
    Division("350524", _l("Anxi County"), "安溪县"),
    Division("350525", _l("Yongchun County"), "永春县"),
    Division("350526", _l("Dehua County"), "德化县"),
    Division("350581", _l("Shishi City"), "石狮市"),
    Division("350582", _l("Jinjiang City"), "晋江市"),
    Division("350583", _l("Nan'an City"), "南安市"),
    Division("350602", _l("Xiangcheng District, Zhangzhou"), "漳州市芗城区"),
    Division("350603", _l("Longwen District, Zhangzhou"), "漳州市龙文区"),
    Division("350604", _l("Longhai District, Zhangzhou"), "漳州市龙海区"),
    Division("350605", _l("Changtai District, Zhangzhou"), "漳州市长泰区"),
    Division("350622", _l("Yunxiao County"), "云霄县"),
    Division("350623", _l("Zhangpu County"), "漳浦县"),
    Division("350624", _l("Zhao'an County"), "诏安县"),
    Division("350626", _l("Dongshan County"), "东山县"),
    Division("350627", _l("Nanjing County"), "南靖县"),
    Division("350628", _l("Pinghe County"), "平和县"),
    Division("350629", _l("Hua'an County"), "华安县"),
    Division("350702", _l("Yanping District, Nanping"), "南平市延平区"),
    Division("350703", _l("Jianyang District, Nanping"), "南平市建阳区"),
    Division("350721", _l("Shunchang County"), "顺昌县"),
    Division("350722", _l("Pucheng County"), "浦城县"),
    Division("350723", _l("Guangze County"), "光泽县"),
    Division("350724", _l("Songxi County"), "松溪县"),
    Division("350725", _l("Zhenghe County"), "政和县"),
    Division("350781", _l("Shaowu City"), "邵武市"),
    Division("350782", _l("Wuyishan City"), "武夷山市"),
    Division("350783", _l("Jian'ou City"), "建瓯市"),
    Division("350802", _l("Xinluo District, Longyan"), "龙岩市新罗区"),
    Division("350803", _l("Yongding District, Longyan"), "龙岩市永定区"),
    Division("350821", _l("Changting County"), "长汀县"),
    Division("350823", _l("Shanghang County"), "上杭县"),
    Division("350824", _l("Wuping County"), "武平县"),
    Division("350825", _l("Liancheng County"), "连城县"),
    Division("350881", _l("Zhangping City"), "漳平市"),
    Division("350902", _l("Jiaocheng District, Ningde"), "宁德市蕉城区"),
    Division("350921", _l("Xiapu County"), "霞浦县"),
    Division("350922", _l("Gutian County"), "古田县"),
    Division("350923", _l("Pingnan County"), "屏南县"),
    Division("350924", _l("Shouning County"), "寿宁县"),
    Division("350925", _l("Zhouning County"), "周宁县"),
    Division("350926", _l("Zherong County"), "柘荣县"),
    Division("350981", _l("Fu'an City"), "福安市"),
    Division("350982", _l("Fuding City"), "福鼎市"),
)

# Places outside Fujian: the provinces victims are most often recruited in or taken to (GB/T
# 2260 provincial codes), and abroad.
ABROAD = "abroad"
OTHER_PLACES = (
    Division("360000", _l("Jiangxi (another province)"), "江西省"),
    Division("440000", _l("Guangdong (another province)"), "广东省"),
    Division("450000", _l("Guangxi (another province)"), "广西壮族自治区"),
    Division("510000", _l("Sichuan (another province)"), "四川省"),
    Division("520000", _l("Guizhou (another province)"), "贵州省"),
    Division("530000", _l("Yunnan (another province)"), "云南省"),
    Division("330000", _l("Zhejiang (another province)"), "浙江省"),
    Division("999999", _l("Another province"), "其他省份"),
    Division(ABROAD, _l("Abroad"), "境外"),
)

# Prefecture of a Fujian county: the first four digits of its code, padded.
PREFECTURES = (
    Division("350100", _l("Fuzhou"), "福州市"),
    Division("350200", _l("Xiamen"), "厦门市"),
    Division("350300", _l("Putian"), "莆田市"),
    Division("350400", _l("Sanming"), "三明市"),
    Division("350500", _l("Quanzhou"), "泉州市"),
    Division("350600", _l("Zhangzhou"), "漳州市"),
    Division("350700", _l("Nanping"), "南平市"),
    Division("350800", _l("Longyan"), "龙岩市"),
    Division("350900", _l("Ningde"), "宁德市"),
)

PLACES = FUJIAN_COUNTIES + OTHER_PLACES
PLACE_CODES = frozenset(place.code for place in PLACES)
FUJIAN_COUNTY_CODES = frozenset(county.code for county in FUJIAN_COUNTIES)

EXPLOITATION_CHOICES = [(c.code, c.label) for c in EXPLOITATION_TYPES]
MEANS_OF_CONTROL_CHOICES = [(c.code, c.label) for c in MEANS_OF_CONTROL]
RECRUITER_RELATION_CHOICES = [(c.code, c.label) for c in RECRUITER_RELATIONS]
PLACE_CHOICES = [(place.code, place.name) for place in PLACES]
FUJIAN_COUNTY_CHOICES = [(county.code, county.name) for county in FUJIAN_COUNTIES]


def prefecture_of(code: str) -> str | None:
    """The prefecture code of a Fujian county code (350583 -> 350500), else None."""
    if code in FUJIAN_COUNTY_CODES:
        return code[:4] + "00"
    return None
