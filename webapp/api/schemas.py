"""The API's request and response bodies (marshmallow): they validate input and make the spec."""

from marshmallow import Schema, ValidationError, fields, validate

from models import TokenScope

FILTERS = ("all", "mine", "unclaimed", "overdue")
SCALARS = (str, int, float, bool)


class FormValue(fields.Field):
    """One answer as a browser would post it: text, number, yes/no, or a list of those."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        if value is None or not all(isinstance(item, SCALARS) for item in items):
            raise ValidationError("an answer is text, a number, true/false or a list of those")
        return value


class FormData(Schema):
    """The answers of a step's form, by field name (the form validates them)."""

    data = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        values=FormValue(),
        required=True,
        metadata={"description": "answers by field name, as the form's fields list names them"},
    )


class OpenCase(FormData):
    """The intake form's answers and the victim's name (police only)."""

    # Checked as the web page's field checks it (trimmed, 120 characters, no control characters).
    victim_name = fields.String(
        required=True,
        validate=validate.Length(max=1000),
        metadata={"description": "the victim's name or care alias, 120 characters once trimmed"},
    )


class InboxQuery(Schema):
    """Which department's inbox, which filter, which page."""

    department = fields.String(validate=validate.Length(max=40))
    filter = fields.String(load_default="all", validate=validate.OneOf(FILTERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageQuery(Schema):
    """Which page of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class Task(Schema):
    """A task as an inbox lists it."""

    id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    department = fields.String(required=True)
    form_key = fields.String(required=True)
    title = fields.String(required=True)
    phase = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    claimed_by = fields.String(allow_none=True)


class Inbox(Schema):
    """One page of a department's ready tasks."""

    department = fields.String(allow_none=True)
    departments = fields.List(fields.String(), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(Task), required=True)


class Answer(Schema):
    """One answered field as the reader may see it ("restricted" where they may not)."""

    label = fields.String(required=True)
    value = fields.String(required=True)


class RecordedStep(Schema):
    """A step recorded earlier on the case, with the answers the reader may read."""

    form_key = fields.String(required=True)
    title = fields.String(required=True)
    department = fields.String(allow_none=True)
    recorded_at = fields.DateTime(required=True)
    answers = fields.List(fields.Nested(Answer), required=True)


class Choice(Schema):
    """One option of a choice field."""

    value = fields.String(required=True)
    label = fields.String(required=True)


class FormField(Schema):
    """One field of the step's form: what to send under `data`."""

    name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.Nested(Choice), allow_none=True)


class TaskDetail(Task):
    """A task with its purpose, its form's fields and what the case already holds."""

    purpose = fields.String(required=True)
    fields_ = fields.List(fields.Nested(FormField), required=True, data_key="fields")
    steps = fields.List(fields.Nested(RecordedStep), required=True)


class CaseOpened(Schema):
    """The number of the case just opened."""

    number = fields.String(required=True)


class CaseStatus(Schema):
    """A case's status as the reader may see it."""

    number = fields.String(required=True)
    status = fields.String(required=True)
    opened_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    victim_name = fields.String(
        allow_none=True, metadata={"description": "police, civil affairs and oversight only"}
    )
    next_timer_at = fields.DateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(Task), required=True)


class TimelineEntry(Schema):
    """One event of the case's timeline as the reader may see it."""

    id = fields.Integer(required=True)
    event_type = fields.String(required=True)
    at = fields.DateTime(required=True)
    summary = fields.String(required=True)
    phase = fields.String(allow_none=True)
    departments = fields.List(fields.String(), required=True)
    restricted = fields.Boolean(required=True)
    details = fields.List(fields.Nested(Answer), required=True)


class Timeline(Schema):
    """One page of a case's timeline, oldest first."""

    page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(TimelineEntry), required=True)


class Diagram(Schema):
    """One BPMN file of a pathway version."""

    filename = fields.String(required=True)
    process_id = fields.String(required=True)
    content_hash = fields.String(required=True)


class PathwayVersion(Schema):
    """A deployed pathway version and its diagrams."""

    id = fields.Integer(required=True)
    process_id = fields.String(required=True)
    comment = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    deployed_by = fields.String(allow_none=True)
    diagrams = fields.List(fields.Nested(Diagram), required=True)


class TokenInfo(Schema):
    """The token the request was made with."""

    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scope = fields.String(required=True, validate=validate.OneOf([s.value for s in TokenScope]))
    username = fields.String(required=True)
    departments = fields.List(fields.String(), required=True)


class TokenRow(Schema):
    """An API token as an administrator sees it: never its secret."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    scope = fields.String(required=True)
    username = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class SignedPacket(Schema):
    """A packet (HTCDS field names) and its sender's Ed25519 signature over its canonical JSON."""

    packet = fields.Dict(keys=fields.String(validate=validate.Length(max=60)), required=True)
    signature = fields.String(required=True, validate=validate.Length(max=100))


class PacketAnswer(Schema):
    """A receipt: where a packet stands at the deployment that answers, signed by its key (the
    sender's acknowledgement, see exchange.receipts)."""

    packetId = fields.String(required=True)
    hcd_ReceiptFor = fields.String(required=True)
    status = fields.String(required=True)
    hcd_ReceiptBy = fields.String(required=True)
    signature = fields.String(required=True)
