"""A second version of the use-first, cooperate-later free-use licence that states the contract's
grant to the inventors (赋予所有权 / 赋予长期使用权, or none): the grant is a contract term chosen
at drafting and decides the inventors' floor in every distribution (docs/domain.md, rule 1).

Version 1 stays as it was for the contracts drafted from it. The placeholder `inventor_grant`
is the grant's label, empty when nothing is granted.
"""

from django.db import migrations

TITLE = "职务科技成果免费使用许可合同（先使用后合作）"

BODY = "示范文本（待主管部门审定）\n\n许可方（甲方）：{{ licensor_name }}{% if licensor_code %}（统一社会信用代码：{{ licensor_code }}）{% endif %}{% for co in co_licensors %}\n共有方：{{ co }}{% endfor %}\n被许可方（乙方）：{{ licensee_name }}{% if licensee_code %}（统一社会信用代码：{{ licensee_code }}）{% endif %}{% if agency_name %}\n技术转移服务机构（居间方）：{{ agency_name }}（经甲乙双方确认）{% endif %}\n\n根据《中华人民共和国民法典》《中华人民共和国促进科技成果转化法》及《广东省推进职务科技成果“先用后转”改革的若干政策措施》，甲乙双方就乙方先行免费使用甲方职务科技成果、并根据实施情况商定下一阶段合作事宜（先使用后合作），订立本合同。\n\n第一条 许可标的\n\n本合同所涉科技成果：{% for a in achievements %}\n（{{ forloop.counter }}）{{ a.title }}{% if a.ip %}，知识产权：{{ a.ip }}{% endif %}{% if several %}，占合同价款的 {{ a.share }}%{% endif %}{% endfor %}\n\n第二条 许可范围、实施领域和地域\n\n许可范围：{{ scope }}\n实施领域：{{ field_of_use }}。\n实施地域：{{ territory }}。\n\n第三条 许可方式\n\n本合同许可方式为{{ exclusivity }}。{% if open_licence %}该成果已实行专利开放许可，依法不得订立独占或者排他许可。{% endif %}\n\n第四条 免费使用期\n\n免费使用期自 {{ free_use_start }} 起至 {{ free_use_end }} 止（起止日均含当日，共 {{ free_use_days }} 日）。期间的计算适用《中华人民共和国民法典》第二百零一条至第二百零四条；本条已载明确定的起止日期的，以载明日期为准。\n\n第五条 实施情况反馈\n\n乙方应当在免费使用期内如实向甲方反馈实施情况，作为双方商定下一阶段合作的依据。\n\n第六条 保密\n\n双方对在订立和履行本合同中知悉的对方技术秘密和经营信息负有保密义务，保密义务在本合同终止后继续有效。\n\n第七条 后续改进成果的归属\n\n乙方在实施过程中作出的后续改进归乙方所有，甲方享有同等条件下的优先受让或者许可权；甲方作出的后续改进归甲方所有。\n\n第八条 下一阶段合作\n\n免费使用期届满后，双方根据实施情况，可以就同一成果或者与本成果至少有一名共同完成人的其他成果，商定技术转让、技术许可、技术开发（委托开发或者合作开发）、作价投资等合作方式，并签订相应合同。免费使用期届满后签订的第一份后续合同为本合同的首个合作项目。\n\n第九条 对成果完成人的赋权\n\n{% if inventor_grant %}甲方已依法{{ inventor_grant }}给本成果的完成人。依据《广东省推进职务科技成果“先用后转”改革的若干政策措施》，本合同及其后续合同取得的转化净收入（或股权、所有权）中，成果完成人所得比例不低于百分之七十。{% else %}本合同未约定赋予成果完成人所有权或者长期使用权。转化收益按甲方的规定分配，成果完成人所得比例一般不低于《中华人民共和国促进科技成果转化法》第四十五条规定的百分之五十。{% endif %}\n\n第十条 终止与停止使用\n\n任何一方均可以书面通知（含平台通知）终止本合同。本合同终止后，乙方应当立即停止实施本成果，并在三十日内返还或者销毁甲方提供的技术资料。\n\n第十一条 其他约定\n\n{{ extra_terms }}\n\n第十二条 争议解决\n\n因本合同发生的争议，双方协商解决；协商不成的，可以向甲方所在地有管辖权的人民法院提起诉讼。\n\n签署页\n\n本合同经各方授权代表以平台签发的电子签名签署后成立，自最后一方签署之日起生效。各方确认，依法可靠的电子签名与手写签名或者盖章具有同等法律效力。本合同以平台出具并登记哈希值的 PDF 文件为准，可在平台公开验证页面核验。\n\n{{ signature_block }}"


def forwards(apps, schema_editor):
    from django.utils import timezone

    ContractTemplate = apps.get_model("contracts", "ContractTemplate")
    last = ContractTemplate.objects.filter(kind="free_use_licence", mode="cooperate_later").order_by("-version").first()
    if last is not None and "inventor_grant" in last.body:
        return
    ContractTemplate.objects.create(
        kind="free_use_licence",
        mode="cooperate_later",
        version=(last.version + 1) if last else 1,
        title=TITLE,
        body=BODY,
        status="published",
        published_at=timezone.now(),
    )


def backwards(apps, schema_editor):
    apps.get_model("contracts", "ContractTemplate").objects.filter(
        kind="free_use_licence", mode="cooperate_later", body=BODY, contracts__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_inventor_grant_open_licence_period")]
    operations = [migrations.RunPython(forwards, backwards)]
