"""Provinces and countries offered by the intake and return forms."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


class Province(NamedTuple):
    """A provincial-level division: code in case data, English label (translated), Chinese name."""

    code: str
    name: LazyString
    name_zh: str


class Country(NamedTuple):
    """A country of origin: ISO 3166 code in case data (or "other"), label, Chinese name."""

    code: str
    name: LazyString
    name_zh: str


# The 34 provincial-level divisions, in the order of the national division codes (GB/T 2260).
PROVINCES = (
    Province("beijing", _l("Beijing"), "北京市"),
    Province("tianjin", _l("Tianjin"), "天津市"),
    Province("hebei", _l("Hebei"), "河北省"),
    Province("shanxi", _l("Shanxi"), "山西省"),
    Province("inner_mongolia", _l("Inner Mongolia"), "内蒙古自治区"),
    Province("liaoning", _l("Liaoning"), "辽宁省"),
    Province("jilin", _l("Jilin"), "吉林省"),
    Province("heilongjiang", _l("Heilongjiang"), "黑龙江省"),
    Province("shanghai", _l("Shanghai"), "上海市"),
    Province("jiangsu", _l("Jiangsu"), "江苏省"),
    Province("zhejiang", _l("Zhejiang"), "浙江省"),
    Province("anhui", _l("Anhui"), "安徽省"),
    Province("fujian", _l("Fujian"), "福建省"),
    Province("jiangxi", _l("Jiangxi"), "江西省"),
    Province("shandong", _l("Shandong"), "山东省"),
    Province("henan", _l("Henan"), "河南省"),
    Province("hubei", _l("Hubei"), "湖北省"),
    Province("hunan", _l("Hunan"), "湖南省"),
    Province("guangdong", _l("Guangdong"), "广东省"),
    Province("guangxi", _l("Guangxi"), "广西壮族自治区"),
    Province("hainan", _l("Hainan"), "海南省"),
    Province("chongqing", _l("Chongqing"), "重庆市"),
    Province("sichuan", _l("Sichuan"), "四川省"),
    Province("guizhou", _l("Guizhou"), "贵州省"),
    Province("yunnan", _l("Yunnan"), "云南省"),
    Province("xizang", _l("Xizang (Tibet)"), "西藏自治区"),
    Province("shaanxi", _l("Shaanxi"), "陕西省"),
    Province("gansu", _l("Gansu"), "甘肃省"),
    Province("qinghai", _l("Qinghai"), "青海省"),
    Province("ningxia", _l("Ningxia"), "宁夏回族自治区"),
    Province("xinjiang", _l("Xinjiang"), "新疆维吾尔自治区"),
    Province("taiwan", _l("Taiwan"), "台湾省"),
    Province("hong_kong", _l("Hong Kong"), "香港特别行政区"),
    Province("macao", _l("Macao"), "澳门特别行政区"),
)
PROVINCE_CODES = frozenset(province.code for province in PROVINCES)

CHINA = "CN"
OTHER_COUNTRY = "other"
# China and the neighbours most victims of cross-border trafficking into Fujian come from.
COUNTRIES = (
    Country(CHINA, _l("China"), "中国"),
    Country("VN", _l("Vietnam"), "越南"),
    Country("MM", _l("Myanmar"), "缅甸"),
    Country("LA", _l("Laos"), "老挝"),
    Country("KH", _l("Cambodia"), "柬埔寨"),
    Country(OTHER_COUNTRY, _l("Other country"), "其他国家"),
)
COUNTRY_CODES = frozenset(country.code for country in COUNTRIES)

PROVINCE_CHOICES = [(province.code, province.name) for province in PROVINCES]
COUNTRY_CHOICES = [(country.code, country.name) for country in COUNTRIES]
