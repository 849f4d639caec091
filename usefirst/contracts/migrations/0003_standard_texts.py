"""The first published version of each standard contract text (规范合同文本).

These are the platform team's drafts, marked 示范文本（待主管部门审定）: the departments own
the legal wording and publish later versions through the template pages. Bodies are Django
templates rendered as plain text (placeholders listed in usefirst/contracts/rendering.py).
"""

from django.db import migrations

MARK = "示范文本（待主管部门审定）"

PARTIES = """许可方（甲方）：{{ licensor_name }}{% if licensor_code %}（统一社会信用代码：{{ licensor_code }}）{% endif %}{% for co in co_licensors %}
共有方：{{ co }}{% endfor %}
被许可方（乙方）：{{ licensee_name }}{% if licensee_code %}（统一社会信用代码：{{ licensee_code }}）{% endif %}{% if agency_name %}
技术转移服务机构（居间方）：{{ agency_name }}（经甲乙双方确认）{% endif %}"""

ACHIEVEMENTS = """本合同所涉科技成果：{% for a in achievements %}
（{{ forloop.counter }}）{{ a.title }}{% if a.ip %}，知识产权：{{ a.ip }}{% endif %}{% if several %}，占合同价款的 {{ a.share }}%{% endif %}{% endfor %}"""

SIGN = """签署页

本合同经各方授权代表以平台签发的电子签名签署后成立，自最后一方签署之日起生效。各方确认，依法可靠的电子签名与手写签名或者盖章具有同等法律效力。本合同以平台出具并登记哈希值的 PDF 文件为准，可在平台公开验证页面核验。

{{ signature_block }}"""

PAY_LATER = f"""{MARK}

{PARTIES}

根据《中华人民共和国民法典》《中华人民共和国促进科技成果转化法》及《广东省推进职务科技成果“先用后转”改革的若干政策措施》，甲乙双方本着自愿、平等、诚信的原则，就乙方先行免费使用甲方职务科技成果、免费使用期满后再行付费事宜（先使用后付费），订立本合同。

第一条 许可标的

{ACHIEVEMENTS}

第二条 许可范围、实施领域和地域

甲方许可乙方在下列范围内实施上述科技成果：{{{{ scope }}}}
实施领域：{{{{ field_of_use }}}}。
实施地域：{{{{ territory }}}}。
乙方不得超出上述范围实施，不得再许可第三方实施。

第三条 许可方式

本合同许可方式为{{{{ exclusivity }}}}。{{% if open_licence %}}该成果已实行专利开放许可，依法不得订立独占或者排他许可。{{% endif %}}

第四条 免费使用期

免费使用期自 {{{{ free_use_start }}}} 起至 {{{{ free_use_end }}}} 止（起止日均含当日，共 {{{{ free_use_days }}}} 日）。免费使用期内甲方不向乙方收取许可使用费。期间的计算适用《中华人民共和国民法典》第二百零一条至第二百零四条；本条已载明确定的起止日期的，以载明日期为准。

第五条 保密

双方对在订立和履行本合同中知悉的对方技术秘密和经营信息负有保密义务，未经对方书面同意不得向第三方披露；保密义务在本合同终止后继续有效，直至有关信息依法公开。

第六条 后续改进成果的归属

乙方在实施过程中对本成果作出的后续改进，其技术成果归乙方所有，甲方享有在同等条件下优先受让或者取得许可的权利；甲方作出的后续改进归甲方所有。双方另有约定的除外。

第七条 免费使用期届满后的付费安排

免费使用期届满后，双方按照自愿原则协商付费方式，可以采取分期支付、延期支付、收益提成支付、里程碑支付、一次性支付等方式或者其组合，并签订正式许可或者转让合同。双方约定的付费条件如下：{{{{ payment_terms }}}}
平台在免费使用期届满前三十日和七日提醒双方；期满之日起双方可在平台提出后续安排，一方提出的，另一方可以接受或者提出修改意见。

第八条 终止与停止使用

免费使用期内或者期满后，任何一方均可以书面通知（含平台通知）终止本合同。本合同终止后，乙方应当立即停止实施本成果，并在三十日内返还或者销毁甲方提供的技术资料；双方已签订正式许可或者转让合同的，按照该合同执行。

第九条 其他约定

{{{{ extra_terms }}}}

第十条 争议解决

因本合同发生的争议，双方协商解决；协商不成的，可以向甲方所在地有管辖权的人民法院提起诉讼。

{SIGN}"""

COOPERATE_LATER = f"""{MARK}

{PARTIES}

根据《中华人民共和国民法典》《中华人民共和国促进科技成果转化法》及《广东省推进职务科技成果“先用后转”改革的若干政策措施》，甲乙双方就乙方先行免费使用甲方职务科技成果、并根据实施情况商定下一阶段合作事宜（先使用后合作），订立本合同。

第一条 许可标的

{ACHIEVEMENTS}

第二条 许可范围、实施领域和地域

许可范围：{{{{ scope }}}}
实施领域：{{{{ field_of_use }}}}。
实施地域：{{{{ territory }}}}。

第三条 许可方式

本合同许可方式为{{{{ exclusivity }}}}。{{% if open_licence %}}该成果已实行专利开放许可，依法不得订立独占或者排他许可。{{% endif %}}

第四条 免费使用期

免费使用期自 {{{{ free_use_start }}}} 起至 {{{{ free_use_end }}}} 止（起止日均含当日，共 {{{{ free_use_days }}}} 日）。期间的计算适用《中华人民共和国民法典》第二百零一条至第二百零四条；本条已载明确定的起止日期的，以载明日期为准。

第五条 实施情况反馈

乙方应当在免费使用期内如实向甲方反馈实施情况，作为双方商定下一阶段合作的依据。

第六条 保密

双方对在订立和履行本合同中知悉的对方技术秘密和经营信息负有保密义务，保密义务在本合同终止后继续有效。

第七条 后续改进成果的归属

乙方在实施过程中作出的后续改进归乙方所有，甲方享有同等条件下的优先受让或者许可权；甲方作出的后续改进归甲方所有。

第八条 下一阶段合作

免费使用期届满后，双方根据实施情况，可以就同一成果或者与本成果至少有一名共同完成人的其他成果，商定技术转让、技术许可、技术开发（委托开发或者合作开发）、作价投资等合作方式，并签订相应合同。免费使用期届满后签订的第一份后续合同为本合同的首个合作项目。

第九条 终止与停止使用

任何一方均可以书面通知（含平台通知）终止本合同。本合同终止后，乙方应当立即停止实施本成果，并在三十日内返还或者销毁甲方提供的技术资料。

第十条 其他约定

{{{{ extra_terms }}}}

第十一条 争议解决

因本合同发生的争议，双方协商解决；协商不成的，可以向甲方所在地有管辖权的人民法院提起诉讼。

{SIGN}"""

PRELIMINARY = f"""{MARK}

甲方（成果单位）：{{{{ licensor_name }}}}
乙方（成果完成人）：{{{{ inventor_names }}}}

根据《广东省推进职务科技成果“先用后转”改革的若干政策措施》关于简约程序的规定，甲乙双方就乙方自行实施转化下列职务科技成果订立本预先协议。

第一条 协议标的

{ACHIEVEMENTS}

第二条 乙方的转化权限

在本协议期限内，乙方可以作为许可方与企业订立先用后转免费使用许可合同，自行开展转化；合同在平台订立，相关到账由甲方确认。

第三条 协议期限

本协议期限至 {{{{ term_end }}}} 止（含当日）。平台在期限届满前三十日和七日提醒双方。

第四条 权属分割与收益分配

在本协议期限届满前，双方应当启动成果权属分割和转化收益分配的正式程序；收益分配不得低于政策规定的比例。

第五条 其他约定

{{{{ extra_terms }}}}

{SIGN}"""

OPEN_LICENCE = f"""{MARK}

专利权人：{{{{ licensor_name }}}}
实施方：{{{{ licensee_name }}}}

依据《中华人民共和国专利法》第五十条至第五十二条，专利权人已向国务院专利行政部门声明开放许可，公告号：{{{{ open_licence_number }}}}。实施方以书面方式通知专利权人并按公告的许可使用费条件支付许可使用费后，即获得实施许可。本记录在平台登记该项实施（开放许可的实施）。

第一条 实施标的

{ACHIEVEMENTS}

第二条 许可使用费条件（以公告为准）

{{{{ open_licence_fee_terms }}}}

第三条 许可方式

开放许可实施期间，专利权人不得就该专利给予独占或者排他许可。

第四条 其他约定

{{{{ extra_terms }}}}

{SIGN}"""

FOLLOW_ON_HEAD = f"""{MARK}

{PARTIES}

{{% if parent_number %}}本合同为《{{{{ parent_title }}}}》（编号 {{{{ parent_number }}}}）免费使用期届满后双方商定的后续合同。{{% endif %}}

第一条 标的

{ACHIEVEMENTS}
"""

LICENCE = (
    FOLLOW_ON_HEAD
    + """
第二条 许可范围与方式

许可范围：{{ scope }}
实施领域：{{ field_of_use }}；实施地域：{{ territory }}；许可方式：{{ exclusivity }}。

第三条 价款及支付

合同价款为人民币 {{ price }} 元。支付计划（分期、延期、收益提成、里程碑、一次性支付等）以平台登记的付款计划为准，遇法定节假日顺延至下一工作日。
{{ payment_terms }}

第四条 保密与后续改进

双方保密义务及后续改进成果归属，沿用原免费使用许可合同的约定。

第五条 其他约定

{{ extra_terms }}

"""
    + SIGN
)

TRANSFER = (
    FOLLOW_ON_HEAD
    + """
第二条 转让

甲方将上述科技成果的权利转让给乙方，并协助办理权利变更登记。

第三条 价款及支付

转让价款为人民币 {{ price }} 元。支付计划以平台登记的付款计划为准，遇法定节假日顺延至下一工作日。
{{ payment_terms }}

第四条 其他约定

{{ extra_terms }}

"""
    + SIGN
)

DEVELOPMENT = (
    FOLLOW_ON_HEAD
    + """
第二条 开发方式与内容

开发方式：{{ development_kind }}。开发内容与技术指标：{{ scope }}

第三条 研究开发经费及支付

经费总额为人民币 {{ price }} 元，按平台登记的付款计划支付。
{{ payment_terms }}

第四条 成果归属

委托开发完成的发明创造，除另有约定外，申请专利的权利属于研究开发人；合作开发完成的，属于合作开发的当事人共有（民法典第八百五十九条、第八百六十条）。

第五条 其他约定

{{ extra_terms }}

"""
    + SIGN
)

EQUITY = (
    FOLLOW_ON_HEAD
    + """
第二条 作价投资

甲方以上述科技成果作价人民币 {{ price }} 元向乙方出资，取得相应股权；本次出资不涉及现金支付。

第三条 股权及登记

{{ payment_terms }}

第四条 其他约定

{{ extra_terms }}

"""
    + SIGN
)

TEXTS = [
    ("free_use_licence", "pay_later", "职务科技成果免费使用许可合同（先使用后付费）", PAY_LATER),
    ("free_use_licence", "cooperate_later", "职务科技成果免费使用许可合同（先使用后合作）", COOPERATE_LATER),
    ("preliminary_agreement", "", "职务科技成果转化预先协议（简约程序）", PRELIMINARY),
    ("open_licence_record", "", "专利开放许可实施记录", OPEN_LICENCE),
    ("licence", "", "技术许可合同（后续正式许可）", LICENCE),
    ("transfer", "", "技术转让合同（后续正式转让）", TRANSFER),
    ("development", "", "技术开发合同（委托开发／合作开发）", DEVELOPMENT),
    ("equity", "", "科技成果作价投资协议", EQUITY),
]


def forwards(apps, schema_editor):
    ContractTemplate = apps.get_model("contracts", "ContractTemplate")
    from django.utils import timezone

    for kind, mode, title, body in TEXTS:
        ContractTemplate.objects.get_or_create(
            kind=kind,
            mode=mode,
            version=1,
            defaults={"title": title, "body": body, "status": "published", "published_at": timezone.now()},
        )


def backwards(apps, schema_editor):
    apps.get_model("contracts", "ContractTemplate").objects.filter(version=1, contracts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_platform_root")]
    operations = [migrations.RunPython(forwards, backwards)]
