"""The Chinese names diagrams give their elements (`camunda:property name="name_zh"`)."""

from models import PathwayVersion, db

from .parsing import read_xml

CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
_NAMES: dict[str, dict[str, str]] = {}


def chinese_names(version: PathwayVersion) -> dict[str, str]:
    """Element id -> Chinese name over every diagram of a version (cached by its hash)."""
    names = _NAMES.get(version.content_hash)
    if names is None:
        names = {}
        for diagram in version.diagrams:
            tree = read_xml(diagram.xml.encode("utf-8"), diagram.filename)
            for prop in tree.iter(f"{CAMUNDA}property"):
                element = prop.getparent().getparent().getparent()  # properties, extensions
                if prop.get("name") == "name_zh" and prop.get("value") and element is not None:
                    names[element.get("id")] = prop.get("value")
        names = _NAMES.setdefault(version.content_hash, names)
    return names


def chinese_name(version_id: int | None, element_id: str) -> str | None:
    """The Chinese name of one element of a version, if its diagram gives one."""
    version = db.session.get(PathwayVersion, version_id) if version_id else None
    return chinese_names(version).get(element_id) if version else None
