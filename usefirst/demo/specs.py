"""The fictitious cast of the demo: departments, owner units, enterprises, service organisations.

Government departments carry their real names (they are the platform's review structure);
every unit, enterprise and service organisation is invented, and every credit code, ID
number and patent number is fictitious (with a valid check character).
"""

from __future__ import annotations

from dataclasses import dataclass

from usefirst.accounts.models import EnterpriseSize, OrganisationKind, Sector
from usefirst.core.regions import OUTSIDE_PROVINCE

K = OrganisationKind
S = EnterpriseSize

# Administrative division codes of the registration authority (credit code characters 3–8).
PROVINCE_AREA = "440000"
CITY_AREA: dict[str, str] = {
    "广州市": "440100",
    "韶关市": "440200",
    "深圳市": "440300",
    "珠海市": "440400",
    "汕头市": "440500",
    "佛山市": "440600",
    "江门市": "440700",
    "湛江市": "440800",
    "茂名市": "440900",
    "肇庆市": "441200",
    "惠州市": "441300",
    "梅州市": "441400",
    "汕尾市": "441500",
    "河源市": "441600",
    "阳江市": "441700",
    "清远市": "441800",
    "东莞市": "441900",
    "中山市": "442000",
    "潮州市": "445100",
    "揭阳市": "445200",
    "云浮市": "445300",
}

# Seat (区县) of each city's government, where its S&T bureau sits.
CITY_SEAT: dict[str, str] = {
    "广州市": "越秀区",
    "深圳市": "福田区",
    "珠海市": "香洲区",
    "佛山市": "禅城区",
    "惠州市": "惠城区",
    "东莞市": "东莞市辖",
    "中山市": "中山市辖",
    "江门市": "蓬江区",
    "肇庆市": "端州区",
    "汕头市": "龙湖区",
    "汕尾市": "城区",
    "潮州市": "湘桥区",
    "揭阳市": "榕城区",
    "湛江市": "赤坎区",
    "茂名市": "茂南区",
    "阳江市": "江城区",
    "韶关市": "浈江区",
    "河源市": "源城区",
    "梅州市": "梅江区",
    "清远市": "清城区",
    "云浮市": "云城区",
}

# Shenzhen's bureau has its own name; the others are 科学技术局.
CITY_DEPARTMENT_NAME: dict[str, str] = {"深圳市": "深圳市科技创新局"}


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    city: str
    county: str
    sector: str = ""
    enterprise_size: str = ""
    area: str = ""  # registration area code; defaults to the city's
    categories: tuple[str, ...] = ()  # corpus categories (门类) the unit publishes in
    labels: tuple[str, ...] = ()  # disciplines (学科) it is strongest in
    superior_name: str = ""  # a superior department outside the platform


PROVINCE = OrgSpec("province", "广东省科学技术厅", K.PROVINCIAL_DEPARTMENT, "广州市", "越秀区", area=PROVINCE_AREA)
SECTOR_DEPARTMENTS = [
    OrgSpec("education", "广东省教育厅", K.SECTOR_DEPARTMENT, "广州市", "越秀区", sector=Sector.EDUCATION, area=PROVINCE_AREA),
    OrgSpec("health", "广东省卫生健康委员会", K.SECTOR_DEPARTMENT, "广州市", "越秀区", sector=Sector.HEALTH, area=PROVINCE_AREA),
    OrgSpec(
        "market",
        "广东省市场监督管理局（广东省知识产权局）",
        K.SECTOR_DEPARTMENT,
        "广州市",
        "越秀区",
        sector=Sector.MARKET,
        area=PROVINCE_AREA,
    ),
]
CITY_DEPARTMENTS = [
    OrgSpec(f"city-{CITY_AREA[city]}", CITY_DEPARTMENT_NAME.get(city, f"{city}科学技术局"), K.CITY_DEPARTMENT, city, seat)
    for city, seat in CITY_SEAT.items()
]

ENG, AGR, MED, SCI, MIL = "工学", "农学", "医学", "理学", "军事学"
EDU, HEALTH, MARKET = Sector.EDUCATION, Sector.HEALTH, Sector.MARKET

OWNER_UNITS = [
    # Universities (guided by the education department)
    OrgSpec(
        "lnlg",
        "岭南理工大学",
        K.UNIVERSITY,
        "广州市",
        "天河区",
        EDU,
        categories=(ENG, SCI, MIL),
        labels=("计算机科学与技术", "信息与通信工程", "兵器科学与技术", "力学", "土木工程", "数学"),
    ),
    OrgSpec(
        "zjdx", "珠江大学", K.UNIVERSITY, "广州市", "海珠区", EDU, categories=(ENG, SCI, MED, AGR), labels=("物理学", "建筑学")
    ),
    OrgSpec(
        "nyyk", "南粤医科大学", K.UNIVERSITY, "广州市", "越秀区", EDU, categories=(MED,), labels=("药学", "公共卫生与预防医学")
    ),
    OrgSpec(
        "lnnl",
        "岭南农林大学",
        K.UNIVERSITY,
        "广州市",
        "白云区",
        EDU,
        categories=(AGR,),
        labels=("作物学", "园艺学", "林学/林业工程", "植物保护", "农业工程", "畜牧学/兽医学"),
    ),
    OrgSpec(
        "qhlg",
        "前海理工学院",
        K.UNIVERSITY,
        "深圳市",
        "南山区",
        EDU,
        categories=(ENG,),
        labels=("计算机科学与技术", "信息与通信工程", "电子科学与技术", "控制科学与工程"),
    ),
    OrgSpec(
        "zhhy",
        "珠海海洋学院",
        K.UNIVERSITY,
        "珠海市",
        "香洲区",
        EDU,
        categories=(SCI, AGR),
        labels=("海洋科学", "水产", "船舶与海洋工程"),
    ),
    OrgSpec(
        "fsgc",
        "佛山工程技术大学",
        K.UNIVERSITY,
        "佛山市",
        "南海区",
        EDU,
        categories=(ENG,),
        labels=("机械工程", "材料科学与工程", "控制科学与工程"),
    ),
    OrgSpec("djzy", "东江职业技术学院", K.UNIVERSITY, "惠州市", "惠城区", EDU, categories=(ENG,), labels=("电子科学与技术",)),
    OrgSpec(
        "sshlg", "松山湖理工学院", K.UNIVERSITY, "东莞市", "东莞市辖", EDU, categories=(ENG, SCI), labels=("光学工程", "电气工程")
    ),
    OrgSpec("qxkj", "侨乡科技学院", K.UNIVERSITY, "江门市", "蓬江区", EDU, categories=(ENG,), labels=("交通运输工程",)),
    OrgSpec("xjxy", "西江学院", K.UNIVERSITY, "肇庆市", "端州区", EDU, categories=(ENG, AGR), labels=("农业资源利用",)),
    OrgSpec("hjlg", "韩江理工学院", K.UNIVERSITY, "汕头市", "金平区", EDU, categories=(ENG, MED), labels=("纺织科学与工程",)),
    OrgSpec("czcy", "潮州陶瓷职业学院", K.UNIVERSITY, "潮州市", "湘桥区", EDU, categories=(ENG,), labels=("材料科学与工程",)),
    OrgSpec(
        "yxhy",
        "粤西海洋大学",
        K.UNIVERSITY,
        "湛江市",
        "麻章区",
        EDU,
        categories=(AGR, SCI, ENG),
        labels=("水产", "海洋科学", "船舶与海洋工程", "食品科学与工程"),
    ),
    OrgSpec(
        "mmsh",
        "茂名石化学院",
        K.UNIVERSITY,
        "茂名市",
        "茂南区",
        EDU,
        categories=(ENG,),
        labels=("化学/化学工程与技术", "石油与天然气工程"),
    ),
    OrgSpec(
        "ybxy",
        "粤北学院",
        K.UNIVERSITY,
        "韶关市",
        "浈江区",
        EDU,
        categories=(ENG, AGR, SCI),
        labels=("矿业工程", "冶金工程", "地质学/地质资源与地质工程"),
    ),
    OrgSpec(
        "mzkd", "梅州客都学院", K.UNIVERSITY, "梅州市", "梅江区", EDU, categories=(AGR, MED), labels=("中医学/中药学", "园艺学")
    ),
    OrgSpec("bjzy", "北江职业技术学院", K.UNIVERSITY, "清远市", "清城区", EDU, categories=(ENG, AGR), labels=("农业工程",)),
    # Research institutes (reviewed by the provincial department)
    OrgSpec(
        "gdxc",
        "广东省先进材料研究院",
        K.RESEARCH_INSTITUTE,
        "广州市",
        "黄埔区",
        categories=(ENG, MIL),
        labels=("材料科学与工程", "化学/化学工程与技术", "冶金工程", "纺织科学与工程", "兵器科学与技术"),
    ),
    OrgSpec(
        "szzz",
        "深圳智能制造研究院",
        K.RESEARCH_INSTITUTE,
        "深圳市",
        "宝安区",
        categories=(ENG,),
        labels=("机械工程", "控制科学与工程", "电气工程", "计算机科学与技术"),
    ),
    OrgSpec(
        "zhht",
        "珠海航空航天技术研究所",
        K.RESEARCH_INSTITUTE,
        "珠海市",
        "金湾区",
        categories=(ENG, SCI),
        labels=("航空宇航科学与技术", "天文学", "光学工程", "力学"),
    ),
    OrgSpec(
        "zsny",
        "中山智慧能源研究院",
        K.RESEARCH_INSTITUTE,
        "中山市",
        "中山市辖",
        categories=(ENG,),
        labels=("电气工程", "动力工程及工程热物理", "核科学与技术"),
    ),
    OrgSpec(
        "zsnk",
        "珠三角现代农业研究所",
        K.RESEARCH_INSTITUTE,
        "佛山市",
        "顺德区",
        categories=(AGR,),
        labels=("作物学", "植物保护", "农业资源利用"),
    ),
    OrgSpec(
        "ydsp",
        "粤东食品研究所",
        K.RESEARCH_INSTITUTE,
        "揭阳市",
        "榕城区",
        categories=(ENG, AGR),
        labels=("食品科学与工程",),
    ),
    OrgSpec(
        "swyy", "汕尾海洋渔业研究所", K.RESEARCH_INSTITUTE, "汕尾市", "城区", categories=(AGR, SCI), labels=("水产", "海洋科学")
    ),
    OrgSpec(
        "yjdj",
        "阳江五金刀剪研究所",
        K.RESEARCH_INSTITUTE,
        "阳江市",
        "江城区",
        categories=(ENG,),
        labels=("机械工程", "冶金工程"),
    ),
    OrgSpec(
        "hysz",
        "河源水资源研究所",
        K.RESEARCH_INSTITUTE,
        "河源市",
        "源城区",
        categories=(ENG, SCI),
        labels=("水利工程", "环境科学与工程", "地理学", "大气科学"),
    ),
    OrgSpec(
        "yfsc",
        "云浮石材研究院",
        K.RESEARCH_INSTITUTE,
        "云浮市",
        "云城区",
        categories=(ENG,),
        labels=("矿业工程", "地质学/地质资源与地质工程", "测绘科学与技术"),
    ),
    OrgSpec(
        "nyzj",
        "南粤质量检测研究院",
        K.RESEARCH_INSTITUTE,
        "广州市",
        "番禺区",
        MARKET,
        categories=(ENG,),
        labels=("测绘科学与技术", "食品科学与工程", "化学/化学工程与技术"),
    ),
    # Medical institutions (guided by the health commission)
    OrgSpec(
        "nyfy",
        "南粤医科大学附属第一医院",
        K.MEDICAL_INSTITUTION,
        "广州市",
        "越秀区",
        HEALTH,
        categories=(MED,),
        labels=("基础医学/临床医学",),
    ),
    OrgSpec(
        "zjzy",
        "广州珠江中医医院",
        K.MEDICAL_INSTITUTION,
        "广州市",
        "荔湾区",
        HEALTH,
        categories=(MED,),
        labels=("中医学/中药学",),
    ),
    OrgSpec("szwq", "深圳湾区人民医院", K.MEDICAL_INSTITUTION, "深圳市", "福田区", HEALTH, categories=(MED,)),
    OrgSpec(
        "jmkq", "江门侨乡口腔医院", K.MEDICAL_INSTITUTION, "江门市", "蓬江区", HEALTH, categories=(MED,), labels=("口腔医学",)
    ),
    OrgSpec("stda", "汕头东海岸医院", K.MEDICAL_INSTITUTION, "汕头市", "龙湖区", HEALTH, categories=(MED,)),
    OrgSpec("zjnf", "湛江南方医院", K.MEDICAL_INSTITUTION, "湛江市", "霞山区", HEALTH, categories=(MED,)),
    OrgSpec("sgbj", "韶关北江医院", K.MEDICAL_INSTITUTION, "韶关市", "武江区", HEALTH, categories=(MED,)),
    # Enterprises that own achievements (reviewed by their city department)
    OrgSpec(
        "sxwd",
        "广州穗芯微电子股份有限公司",
        K.ENTERPRISE,
        "广州市",
        "黄埔区",
        enterprise_size=S.LARGE,
        categories=(ENG,),
        labels=("电子科学与技术", "信息与通信工程", "光学工程"),
    ),
    OrgSpec(
        "sljq",
        "佛山顺联机器人股份有限公司",
        K.ENTERPRISE,
        "佛山市",
        "顺德区",
        enterprise_size=S.MEDIUM,
        categories=(ENG,),
        labels=("机械工程", "控制科学与工程"),
    ),
    # An out-of-province institute
    OrgSpec(
        "znky",
        "中南矿冶技术研究院",
        K.OUT_OF_PROVINCE_INSTITUTE,
        OUTSIDE_PROVINCE,
        "",
        area="430100",
        categories=(ENG,),
        labels=("矿业工程", "冶金工程"),
        superior_name="湖南省科学技术厅",
    ),
]

SERVICE_ORGANISATIONS = [
    OrgSpec("agency1", "广东南粤技术转移中心有限公司", K.AGENCY, "广州市", "天河区"),
    OrgSpec("agency2", "深圳前海成果转化服务有限公司", K.AGENCY, "深圳市", "南山区"),
    OrgSpec("insurer", "南粤财产保险股份有限公司广东分公司", K.INSURER, "广州市", "天河区"),
    OrgSpec("guarantor", "广东南粤科技融资担保有限公司", K.GUARANTOR, "广州市", "越秀区"),
    OrgSpec("incubator", "东莞松湖青年创新孵化器有限公司", K.INCUBATOR, "东莞市", "东莞市辖"),
    OrgSpec("institution", "广东省科技成果转化评价中心", K.PROFESSIONAL_INSTITUTION, "广州市", "越秀区"),
    OrgSpec("devzone", "湛江高新技术产业开发区管理委员会", K.DEVELOPMENT_ZONE, "湛江市", "麻章区"),
]


@dataclass(frozen=True)
class Industry:
    name: str  # part of the company name, e.g. 新材料科技
    business: str  # 主要从事……
    purpose: str  # 用于……
    labels: tuple[str, ...]  # disciplines its demands draw keywords from


INDUSTRIES: dict[str, Industry] = {
    i.name: i
    for i in [
        Industry(
            "新材料科技",
            "高性能复合材料和功能材料的研发与生产",
            "提升产品性能、降低生产成本",
            ("材料科学与工程", "化学/化学工程与技术", "冶金工程"),
        ),
        Industry(
            "智能装备", "自动化生产线和智能装备的设计制造", "改造现有生产线、提高加工精度", ("机械工程", "控制科学与工程", "力学")
        ),
        Industry(
            "电子科技",
            "电子元器件和光电器件的研发制造",
            "开发新一代电子产品",
            ("电子科学与技术", "光学工程", "信息与通信工程"),
        ),
        Industry(
            "信息技术", "工业软件和数据平台的开发与运维", "建设智能化管理平台", ("计算机科学与技术", "信息与通信工程", "数学")
        ),
        Industry(
            "生物医药",
            "化学药和生物制品的研发生产",
            "开发新药和改良型制剂",
            ("药学", "基础医学/临床医学", "生物学/生物科学与工程"),
        ),
        Industry(
            "医疗器械",
            "医疗器械和体外诊断产品的研发生产",
            "开发新型诊疗产品",
            ("基础医学/临床医学", "口腔医学", "公共卫生与预防医学"),
        ),
        Industry("中药科技", "岭南中药材种植和中成药生产", "提升中药产品质量和疗效评价", ("中医学/中药学", "药学")),
        Industry("食品", "农副产品精深加工和食品生产", "开发高附加值食品、延长保质期", ("食品科学与工程",)),
        Industry(
            "农业科技",
            "特色农产品种植和农业技术服务",
            "提高产量品质、减少农药化肥用量",
            ("作物学", "园艺学", "植物保护", "农业资源利用"),
        ),
        Industry("水产", "水产苗种繁育和健康养殖", "提高养殖成活率、防控病害", ("水产", "海洋科学")),
        Industry(
            "环保科技", "工业废水废气治理和环境监测", "实现达标排放和资源化利用", ("环境科学与工程", "水利工程", "大气科学")
        ),
        Industry("新能源", "储能、光伏和节能设备的研发生产", "提高能源利用效率", ("电气工程", "动力工程及工程热物理")),
        Industry("建设工程", "市政、交通和建筑工程的设计施工", "提升工程质量和施工效率", ("土木工程", "建筑学", "交通运输工程")),
        Industry(
            "矿业", "矿产资源开采和选冶", "提高资源回收率、保障安全生产", ("矿业工程", "地质学/地质资源与地质工程", "冶金工程")
        ),
        Industry("石化", "石油化工产品的生产与销售", "优化工艺、降低能耗", ("石油与天然气工程", "化学/化学工程与技术")),
        Industry("纺织", "功能性面料和服装的生产", "开发功能性纺织产品", ("纺织科学与工程",)),
        Industry("陶瓷", "建筑陶瓷和日用陶瓷的生产", "提升陶瓷产品品质、降低烧成能耗", ("材料科学与工程",)),
        Industry("畜牧", "生猪和家禽的规模化养殖", "防控动物疫病、提高饲料转化率", ("畜牧学/兽医学",)),
        Industry("林业", "林木种苗培育和林产品加工", "提高林产品附加值", ("林学/林业工程",)),
        Industry("船舶科技", "船舶和海洋工程装备的设计建造", "提升装备可靠性", ("船舶与海洋工程",)),
        Industry("测绘地信", "测绘和地理信息服务", "提高测绘精度和数据处理效率", ("测绘科学与技术", "地理学")),
    ]
}

# (city, county, brand, industry, size): fifty fictitious enterprises, PRD 30, east 7, west 6, north 7.
ENTERPRISES: list[tuple[str, str, str, str, str]] = [
    ("广州市", "黄埔区", "瑞丰", "生物医药", S.LARGE),
    ("广州市", "天河区", "智联", "信息技术", S.MEDIUM),
    ("广州市", "番禺区", "恒达", "智能装备", S.SMALL),
    ("广州市", "白云区", "康泰", "医疗器械", S.SMALL),
    ("广州市", "南沙区", "海纳", "新材料科技", S.MICRO),
    ("广州市", "从化区", "青禾", "农业科技", S.MICRO),
    ("深圳市", "南山区", "星河", "电子科技", S.LARGE),
    ("深圳市", "宝安区", "鼎盛", "智能装备", S.MEDIUM),
    ("深圳市", "龙岗区", "锦程", "新能源", S.MEDIUM),
    ("深圳市", "坪山区", "合众", "生物医药", S.SMALL),
    ("深圳市", "光明区", "明辉", "新材料科技", S.SMALL),
    ("深圳市", "福田区", "盈科", "信息技术", S.MICRO),
    ("佛山市", "顺德区", "嘉诚", "智能装备", S.LARGE),
    ("佛山市", "南海区", "宏盛", "新材料科技", S.MEDIUM),
    ("佛山市", "禅城区", "德美", "陶瓷", S.SMALL),
    ("佛山市", "三水区", "润泽", "食品", S.MICRO),
    ("东莞市", "东莞市辖", "博远", "电子科技", S.MEDIUM),
    ("东莞市", "东莞市辖", "力拓", "智能装备", S.SMALL),
    ("东莞市", "东莞市辖", "永盛", "纺织", S.SMALL),
    ("东莞市", "东莞市辖", "同创", "环保科技", S.MICRO),
    ("珠海市", "金湾区", "远景", "船舶科技", S.MEDIUM),
    ("珠海市", "香洲区", "佳禾", "医疗器械", S.MICRO),
    ("中山市", "中山市辖", "利群", "新能源", S.SMALL),
    ("中山市", "中山市辖", "致远", "中药科技", S.MICRO),
    ("惠州市", "惠阳区", "信达", "石化", S.LARGE),
    ("惠州市", "博罗县", "晨光", "电子科技", S.SMALL),
    ("江门市", "新会区", "源丰", "中药科技", S.MEDIUM),
    ("江门市", "鹤山市", "汇通", "建设工程", S.SMALL),
    ("肇庆市", "高要区", "广誉", "新材料科技", S.MEDIUM),
    ("肇庆市", "四会市", "东润", "测绘地信", S.MICRO),
    ("汕头市", "澄海区", "卓越", "纺织", S.MEDIUM),
    ("汕头市", "潮阳区", "南星", "食品", S.SMALL),
    ("揭阳市", "普宁市", "耀华", "中药科技", S.SMALL),
    ("揭阳市", "揭东区", "金沙", "智能装备", S.MICRO),
    ("潮州市", "潮安区", "祥和", "陶瓷", S.MEDIUM),
    ("潮州市", "饶平县", "丰泽", "水产", S.MICRO),
    ("汕尾市", "海丰县", "启航", "新能源", S.SMALL),
    ("湛江市", "遂溪县", "鑫海", "水产", S.MEDIUM),
    ("湛江市", "廉江市", "天力", "农业科技", S.SMALL),
    ("茂名市", "电白区", "创元", "石化", S.LARGE),
    ("茂名市", "高州市", "长青", "农业科技", S.MICRO),
    ("阳江市", "阳东区", "宝鼎", "智能装备", S.SMALL),
    ("阳江市", "阳西县", "腾飞", "食品", S.MICRO),
    ("韶关市", "浈江区", "华韵", "新材料科技", S.SMALL),
    ("韶关市", "曲江区", "正邦", "矿业", S.MEDIUM),
    ("梅州市", "梅县区", "兴业", "林业", S.SMALL),
    ("梅州市", "兴宁市", "北辰", "畜牧", S.MICRO),
    ("清远市", "清城区", "安捷", "环保科技", S.SMALL),
    ("河源市", "源城区", "新锐", "电子科技", S.MEDIUM),
    ("云浮市", "云安区", "西岭", "新材料科技", S.MICRO),
]


def enterprise_specs() -> list[tuple[OrgSpec, Industry]]:
    specs = []
    for n, (city, county, brand, industry, size) in enumerate(ENTERPRISES, start=1):
        suffix = "股份有限公司" if size == S.LARGE else "有限公司"
        name = f"{city.removesuffix('市')}{brand}{industry}{suffix}"
        spec = OrgSpec(f"ent{n:02d}", name, K.ENTERPRISE, city, county, enterprise_size=size)
        specs.append((spec, INDUSTRIES[industry]))
    return specs


# The eight national key high-tech fields (国家重点支持的高新技术领域), in their official order.
TECH_FIELDS: list[tuple[str, str]] = [
    ("01", "电子信息"),
    ("02", "生物与新医药"),
    ("03", "航空航天"),
    ("04", "新材料"),
    ("05", "高技术服务"),
    ("06", "新能源与节能"),
    ("07", "资源与环境"),
    ("08", "先进制造与自动化"),
]

# Discipline (学科, the corpus `label`) → field name.
DISCIPLINE_FIELD: dict[str, str] = {
    "信息与通信工程": "电子信息",
    "计算机科学与技术": "电子信息",
    "电子科学与技术": "电子信息",
    "光学工程": "电子信息",
    "数学": "电子信息",
    "物理学": "电子信息",
    "基础医学/临床医学": "生物与新医药",
    "中医学/中药学": "生物与新医药",
    "药学": "生物与新医药",
    "口腔医学": "生物与新医药",
    "公共卫生与预防医学": "生物与新医药",
    "生物学/生物科学与工程": "生物与新医药",
    "畜牧学/兽医学": "生物与新医药",
    "作物学": "生物与新医药",
    "园艺学": "生物与新医药",
    "植物保护": "生物与新医药",
    "水产": "生物与新医药",
    "食品科学与工程": "生物与新医药",
    "航空宇航科学与技术": "航空航天",
    "天文学": "航空航天",
    "材料科学与工程": "新材料",
    "冶金工程": "新材料",
    "化学/化学工程与技术": "新材料",
    "纺织科学与工程": "新材料",
    "测绘科学与技术": "高技术服务",
    "建筑学": "高技术服务",
    "土木工程": "高技术服务",
    "动力工程及工程热物理": "新能源与节能",
    "电气工程": "新能源与节能",
    "核科学与技术": "新能源与节能",
    "环境科学与工程": "资源与环境",
    "水利工程": "资源与环境",
    "矿业工程": "资源与环境",
    "石油与天然气工程": "资源与环境",
    "地质学/地质资源与地质工程": "资源与环境",
    "地理学": "资源与环境",
    "大气科学": "资源与环境",
    "海洋科学": "资源与环境",
    "地球物理学": "资源与环境",
    "林学/林业工程": "资源与环境",
    "农业资源利用": "资源与环境",
    "机械工程": "先进制造与自动化",
    "控制科学与工程": "先进制造与自动化",
    "力学": "先进制造与自动化",
    "船舶与海洋工程": "先进制造与自动化",
    "交通运输工程": "先进制造与自动化",
    "农业工程": "先进制造与自动化",
    "兵器科学与技术": "先进制造与自动化",
    "军事学": "先进制造与自动化",
}

# Records of these disciplines concern national defence: restricted, never published.
DEFENCE_DISCIPLINES = frozenset({"军事学", "兵器科学与技术"})

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈钟卢"
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰建国志文斌宇浩凯鹏辉晨欣怡思源博雅嘉琳慧颖子轩梓涵俊杰海燕晓东振宁"
)

# Discipline → sub-field name (under the discipline's field); the field itself where none fits.
DISCIPLINE_SUBFIELD: dict[str, str] = {
    "信息与通信工程": "通信技术",
    "计算机科学与技术": "软件",
    "电子科学与技术": "微电子技术",
    "光学工程": "新型电子元器件",
    "基础医学/临床医学": "医药生物技术",
    "中医学/中药学": "中药、天然药物",
    "药学": "化学药研发技术",
    "口腔医学": "医疗仪器、设备与医学专用软件",
    "公共卫生与预防医学": "医药生物技术",
    "生物学/生物科学与工程": "医药生物技术",
    "畜牧学/兽医学": "农业生物技术",
    "作物学": "农业生物技术",
    "园艺学": "农业生物技术",
    "植物保护": "农业生物技术",
    "水产": "农业生物技术",
    "食品科学与工程": "轻工和化工生物技术",
    "航空宇航科学与技术": "航空技术",
    "天文学": "航天技术",
    "冶金工程": "金属材料",
    "化学/化学工程与技术": "精细和专用化学品",
    "纺织科学与工程": "高分子材料",
    "测绘科学与技术": "高技术专业化服务",
    "建筑学": "研发与设计服务",
    "土木工程": "研发与设计服务",
    "动力工程及工程热物理": "高效节能技术",
    "电气工程": "新型高效能量转换与储存技术",
    "核科学与技术": "核能及氢能",
    "水利工程": "水污染控制与水资源利用技术",
    "矿业工程": "资源勘查、高效开采与综合利用技术",
    "石油与天然气工程": "资源勘查、高效开采与综合利用技术",
    "地质学/地质资源与地质工程": "资源勘查、高效开采与综合利用技术",
    "地球物理学": "资源勘查、高效开采与综合利用技术",
    "地理学": "生态环境建设与保护技术",
    "林学/林业工程": "生态环境建设与保护技术",
    "农业资源利用": "生态环境建设与保护技术",
    "大气科学": "大气污染控制技术",
    "海洋科学": "环境监测及环境事故应急处理技术",
    "机械工程": "先进制造工艺与装备",
    "控制科学与工程": "工业生产过程控制系统",
    "力学": "新型机械",
    "农业工程": "新型机械",
    "船舶与海洋工程": "高技术船舶与海洋工程装备设计制造技术",
    "交通运输工程": "汽车及轨道车辆相关技术",
    "兵器科学与技术": "先进制造工艺与装备",
}
