"""Hand-over between provinces: the peer registry and the packets received."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedJSON, EncryptedText


class PeerProvince(db.Model):
    """Another province's deployment: its code, public key and API address (admin-managed)."""

    __tablename__ = "peer_provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    public_key: Mapped[str] = mapped_column(String(64))
    api_url: Mapped[str] = mapped_column(String(300))
    # A disabled peer is neither sent to nor heard from; its rows and history stay.
    enabled: Mapped[bool] = mapped_column(default=True)


class HandoverStatus(enum.StrEnum):
    """Where a received hand-over stands."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class IncomingHandover(db.Model):
    """A signed packet another province sent; stored once per packet id, whatever the replays."""

    __tablename__ = "incoming_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(40))
    sender_case_number: Mapped[str] = mapped_column(String(20))
    # Sensitive: the victim's data the sender shared with consent; civil affairs only.
    packet: Mapped[dict] = mapped_column(EncryptedJSON, info={"sensitive": True})
    signature: Mapped[str] = mapped_column(String(100))
    status: Mapped[HandoverStatus] = mapped_column(
        db.Enum(HandoverStatus, native_enum=False, length=10), default=HandoverStatus.RECEIVED
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Why civil affairs refused it (sent back to the sender); may name the victim's situation.
    refusal_reason: Mapped[str | None] = mapped_column(EncryptedText, info={"sensitive": True})

    case: Mapped["Case | None"] = relationship()  # noqa: F821 (registry name, no import cycle)


class WithdrawnPacket(db.Model):
    """A packet its sender withdrew before it arrived here: should it come after all, it is
    answered as withdrawn and not stored (no victim data, only the ids)."""

    __tablename__ = "withdrawn_packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(40))
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status = HandoverStatus.WITHDRAWN  # what its sender is told of it


class DeliveryStatus(enum.StrEnum):
    """Where a signed message this deployment sends stands (a packet, or the answer to one)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class Outbox:
    """A signed message for a peer, retried with back-off until the peer acknowledges it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(36), unique=True)
    receiver: Mapped[str] = mapped_column(String(40))
    # Sensitive: what the victim consented to share, or the receiver's answer and its reason.
    packet: Mapped[dict] = mapped_column(EncryptedJSON, info={"sensitive": True})
    signature: Mapped[str] = mapped_column(String(100))
    status: Mapped[DeliveryStatus] = mapped_column(
        db.Enum(DeliveryStatus, native_enum=False, length=10), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # What went wrong the last time it was tried (its peer's own words, if any), and when.
    last_error: Mapped[str | None] = mapped_column(String(200))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a worker first took it to send: from then on the peer may hold it, acknowledged or not.
    first_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutgoingHandover(Outbox, db.Model):
    """A hand-over packet for another province; its status ends as the receiver's answer."""

    __tablename__ = "outgoing_handovers"

    # One packet per case: a second run of the sender finds it and builds nothing again.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)


class OutgoingAnswer(Outbox, db.Model):
    """This deployment's answer (accepted, refused) to a packet received, for its sender; one
    per packet (`packet_id` is the packet's)."""

    __tablename__ = "outgoing_answers"
