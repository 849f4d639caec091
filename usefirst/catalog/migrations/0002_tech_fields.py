"""The eight national key high-tech fields (国家重点支持的高新技术领域) with their sub-fields.

Loaded once as editable data: administrators may rename or add sub-fields later, so the
reverse step only removes rows this migration created and nothing refers to.
"""

from django.db import migrations

FIELDS = [
    ("01", "电子信息", [
        "软件", "微电子技术", "计算机产品及其网络应用技术", "通信技术", "广播影视技术",
        "新型电子元器件", "信息安全技术", "智能交通和轨道交通技术",
    ]),
    ("02", "生物与新医药", [
        "医药生物技术", "中药、天然药物", "化学药研发技术", "药物新剂型与制剂创制技术",
        "医疗仪器、设备与医学专用软件", "轻工和化工生物技术", "农业生物技术",
    ]),
    ("03", "航空航天", ["航空技术", "航天技术"]),
    ("04", "新材料", [
        "金属材料", "无机非金属材料", "高分子材料", "生物医用材料", "精细和专用化学品",
        "与文化艺术产业相关的新材料",
    ]),
    ("05", "高技术服务", [
        "研发与设计服务", "检验检测认证与标准服务", "信息技术服务", "高技术专业化服务",
        "知识产权与成果转化服务", "电子商务与现代物流技术", "城市管理与社会服务", "文化创意产业支撑技术",
    ]),
    ("06", "新能源与节能", ["可再生清洁能源", "核能及氢能", "新型高效能量转换与储存技术", "高效节能技术"]),
    ("07", "资源与环境", [
        "水污染控制与水资源利用技术", "大气污染控制技术", "固体废弃物处置与综合利用技术",
        "物理性污染防治技术", "环境监测及环境事故应急处理技术", "生态环境建设与保护技术",
        "清洁生产技术", "资源勘查、高效开采与综合利用技术",
    ]),
    ("08", "先进制造与自动化", [
        "工业生产过程控制系统", "安全生产技术", "高性能、智能化仪器仪表", "先进制造工艺与装备",
        "新型机械", "电力系统与设备", "汽车及轨道车辆相关技术",
        "高技术船舶与海洋工程装备设计制造技术", "传统文化产业改造技术",
    ]),
]


def load(apps, schema_editor):
    TechField = apps.get_model("catalog", "TechField")
    for top_position, (code, name, children) in enumerate(FIELDS, start=1):
        top, _ = TechField.objects.get_or_create(code=code, defaults={"name": name, "position": top_position})
        for position, child in enumerate(children, start=1):
            TechField.objects.get_or_create(
                code=f"{code}{position:02d}", defaults={"name": child, "parent": top, "position": position}
            )


def unload(apps, schema_editor):
    TechField = apps.get_model("catalog", "TechField")
    codes = [code for code, _, _ in FIELDS]
    TechField.objects.filter(parent__code__in=codes, achievements__isnull=True, demands__isnull=True).delete()
    TechField.objects.filter(code__in=codes, children__isnull=True, achievements__isnull=True, demands__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
