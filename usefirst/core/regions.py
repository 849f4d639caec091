"""Guangdong's 21 prefecture-level cities, their county-level divisions, and the four regions.

Regional support (docs/domain.md, rule 6) is decided by the county of the enterprise or the
implementation site; each county belongs to its city's region.
"""

from __future__ import annotations

from django.db import models


class Region(models.TextChoices):
    PRD = "prd", "珠三角"
    EAST = "east", "粤东"
    WEST = "west", "粤西"
    NORTH = "north", "粤北"
    OUTSIDE = "outside", "省外"


CITY_REGION: dict[str, Region] = {
    **dict.fromkeys(["广州市", "深圳市", "珠海市", "佛山市", "惠州市", "东莞市", "中山市", "江门市", "肇庆市"], Region.PRD),
    **dict.fromkeys(["汕头市", "汕尾市", "潮州市", "揭阳市"], Region.EAST),
    **dict.fromkeys(["湛江市", "茂名市", "阳江市"], Region.WEST),
    **dict.fromkeys(["韶关市", "河源市", "梅州市", "清远市", "云浮市"], Region.NORTH),
}

# 东莞 and 中山 have no county level: towns report to the city directly.
CITY_COUNTIES: dict[str, list[str]] = {
    "广州市": ["越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区"],
    "深圳市": ["罗湖区", "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区"],
    "珠海市": ["香洲区", "斗门区", "金湾区"],
    "佛山市": ["禅城区", "南海区", "顺德区", "三水区", "高明区"],
    "惠州市": ["惠城区", "惠阳区", "博罗县", "惠东县", "龙门县"],
    "东莞市": ["东莞市辖"],
    "中山市": ["中山市辖"],
    "江门市": ["蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市"],
    "肇庆市": ["端州区", "鼎湖区", "高要区", "广宁县", "怀集县", "封开县", "德庆县", "四会市"],
    "汕头市": ["金平区", "龙湖区", "濠江区", "潮阳区", "潮南区", "澄海区", "南澳县"],
    "汕尾市": ["城区", "海丰县", "陆河县", "陆丰市"],
    "潮州市": ["湘桥区", "潮安区", "饶平县"],
    "揭阳市": ["榕城区", "揭东区", "揭西县", "惠来县", "普宁市"],
    "湛江市": ["赤坎区", "霞山区", "坡头区", "麻章区", "遂溪县", "徐闻县", "廉江市", "雷州市", "吴川市"],
    "茂名市": ["茂南区", "电白区", "高州市", "化州市", "信宜市"],
    "阳江市": ["江城区", "阳东区", "阳西县", "阳春市"],
    "韶关市": ["武江区", "浈江区", "曲江区", "始兴县", "仁化县", "翁源县", "乳源瑶族自治县", "新丰县", "乐昌市", "南雄市"],
    "河源市": ["源城区", "紫金县", "龙川县", "连平县", "和平县", "东源县"],
    "梅州市": ["梅江区", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县", "兴宁市"],
    "清远市": ["清城区", "清新区", "佛冈县", "阳山县", "连山壮族瑶族自治县", "连南瑶族自治县", "英德市", "连州市"],
    "云浮市": ["云城区", "云安区", "新兴县", "郁南县", "罗定市"],
}

CITY_CHOICES = [(city, city) for city in CITY_COUNTIES]
OUTSIDE_PROVINCE = "省外"


def region_of(city: str) -> Region:
    return CITY_REGION.get(city, Region.OUTSIDE)


def is_valid_county(city: str, county: str) -> bool:
    if city == OUTSIDE_PROVINCE or not city:
        return True
    return county in CITY_COUNTIES.get(city, [])


def needs_regional_support(city: str) -> bool:
    """East, west and north Guangdong (粤东粤西粤北) get extra support (百千万工程)."""
    return region_of(city) in (Region.EAST, Region.WEST, Region.NORTH)
