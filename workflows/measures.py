# ruff: noqa: RUF001 -- the plan's titles keep their Chinese punctuation
"""The measures of the provincial action plan that casework carries out, and their tags on steps.

Each user task of a diagram names the measure it carries out and the departments leading and
supporting it, as standard BPMN extension properties, so the files still open in bpmn-js and
Camunda Modeler:

    <bpmn:extensionElements>
      <camunda:properties>
        <camunda:property name="measure" value="二(三)5" />
        <camunda:property name="lead" value="health" />
        <camunda:property name="supporting" value="police,civil_affairs" />
      </camunda:properties>
    </bpmn:extensionElements>

Codes are the plan's own numbering (section 二(三), item 5); titles are the plan's words
(/work/shared/domain/action-plan-2013-2020.zh.txt) and our English digest. Lead and
supporting departments are those of the plan that Homecoming knows (models.DEPARTMENTS).
"""

from typing import NamedTuple

from .errors import N_, Problem

CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
TAGS = ("measure", "lead", "supporting")


class Measure(NamedTuple):
    """A measure of the plan: code, titles, and the departments the plan makes responsible."""

    code: str
    title_en: str
    title_zh: str
    lead: tuple[str, ...]
    supporting: tuple[str, ...] = ()


MEASURES = (
    Measure(
        "二(一)11",
        "Women's rights support, the 12338 hotline and women's homes",
        "妇女维权、12338妇女维权公益服务热线和妇女之家",
        ("womens_federation",),
    ),
    Measure(
        "二(二)1",
        "Crack down on trafficking and search rapidly for missing children",
        "打击拐卖犯罪，严格执行儿童失踪快速查找机制",
        ("police",),
    ),
    Measure(
        "二(二)2",
        "DNA comparison; return rescued children to their parents or to civil affairs",
        "采血入全国打拐DNA信息库比对；解救儿童送还亲生父母，查找不到的交民政部门安置",
        ("police",),
        ("civil_affairs", "education", "health"),
    ),
    Measure(
        "二(三)1",
        "Place children whose parents cannot be found and help them grow up in a family",
        "规范救助安置工作，妥善安置查找不到亲生父母的被拐卖儿童",
        ("civil_affairs",),
        ("education", "police", "health", "womens_federation", "disabled_persons_federation"),
    ),
    Measure(
        "二(三)2",
        "Temporary aid and rehabilitation suited to age, sex, body and mind; help home",
        "提供符合身心、年龄和性别特点的救助安置和中转康复服务，帮助回归家庭和社区",
        ("civil_affairs",),
        ("education", "police", "health", "womens_federation", "disabled_persons_federation"),
    ),
    Measure(
        "二(三)3",
        "Register victims settled in the province, keep a special file, follow up, solve "
        "practical difficulties",
        "登记、管理和保护在我省安置的被解救受害人，建立专门档案，跟踪生活状况，帮助解决实际困难",
        ("police", "civil_affairs"),
    ),
    Measure(
        "二(三)4",
        "Legal aid for eligible victims",
        "依法为符合条件的被拐卖受害人提供法律援助",
        ("justice",),
    ),
    Measure(
        "二(三)5",
        "Basic medical care and physical and psychological rehabilitation",
        "提供基本医疗服务和生理心理康复服务",
        ("health",),
        ("police", "civil_affairs"),
    ),
    Measure(
        "二(三)6",
        "School-age children enrolled, back at school and adapting to their new life",
        "确保被解救的适龄儿童入学、回归学校和适应新的生活",
        ("education", "civil_affairs"),
    ),
    Measure(
        "二(三)7",
        "Vocational training, career guidance and job referral for victims aged 16 or more",
        "为不能或不愿回原住地的16岁以上受害人提供职业技能培训、职业指导和职业介绍",
        ("hr_social_security",),
        ("civil_affairs", "womens_federation"),
    ),
    Measure(
        "二(三)8",
        "Temporary guardianship of children and its supervision",
        "完善儿童临时监护和监护监督制度",
        ("civil_affairs",),
        ("education", "womens_federation"),
    ),
    Measure(
        "二(五)1",
        "Police cooperation across provinces on trafficking cases",
        "加强跨省警务合作，个案协查，联手侦办跨省拐卖案件",
        ("police",),
    ),
    Measure(
        "二(五)2",
        "Aid to victims trafficked across borders and their safe repatriation",
        "完善被跨国拐卖受害人救助工作机制，会同公安机关安全遣送",
        ("civil_affairs", "police"),
    ),
    Measure(
        "二(五)3",
        "Help victims willing to return to their home province, with its departments",
        "协助愿意返回原籍的受害人返乡，协调流出地政府相关部门帮助其回归家庭和社会",
        ("civil_affairs",),
    ),
    Measure(
        "三(一)",
        "Oversight, staged and final evaluation of how the plan is carried out",
        "督导检查，开展阶段性评估和终期评估",
        ("joint_office",),
    ),
)
BY_CODE = {measure.code: measure for measure in MEASURES}


class Tags(NamedTuple):
    """What a user task says it carries out: the measure, its lead and supporting departments."""

    measure: str | None
    lead: str | None
    supporting: tuple[str, ...]


def parse_tags(properties: dict) -> Tags:
    """The tags among a task's extension properties (SpiffWorkflow's `task_spec.extensions`)."""
    supporting = (properties.get("supporting") or "").split(",")
    return Tags(
        (properties.get("measure") or "").strip() or None,
        (properties.get("lead") or "").strip() or None,
        tuple(code.strip() for code in supporting if code.strip()),
    )


def element_properties(node) -> dict[str, str]:
    """The camunda:properties of a BPMN element (an lxml element), by name."""
    return {
        prop.get("name"): prop.get("value") or ""
        for prop in node.iterfind(f"{BPMN}extensionElements/{CAMUNDA}properties/{CAMUNDA}property")
    }


def check_tags(filename: str, node, departments) -> list[Problem]:
    """The problems of a user task's tags: an unknown measure or department, or none at all."""
    node_id = node.get("id")
    tags = parse_tags(element_properties(node))
    problems = []
    if tags.measure is None:
        message = N_("user task names no plan measure (camunda:properties)")
        problems.append(Problem(filename, node_id, message, severity="warning"))
    elif tags.measure not in BY_CODE:
        problems.append(
            Problem(
                filename,
                node_id,
                N_("measure %(measure)r is not in the plan's catalogue"),
                measure=tags.measure,
            )
        )
    codes = [(N_("lead department %(department)r is not a department code"), tags.lead)]
    codes += [
        (N_("supporting department %(department)r is not a department code"), code)
        for code in tags.supporting
    ]
    problems += [
        Problem(filename, node_id, message, department=code)
        for message, code in codes
        if code is not None and code not in departments
    ]
    return problems


def catalogue() -> list[dict]:
    """The measures as plain data, for the modeler's drop-down and the API."""
    return [
        measure._asdict() | {"lead": list(measure.lead), "supporting": list(measure.supporting)}
        for measure in MEASURES
    ]
