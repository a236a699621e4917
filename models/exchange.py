"""Hand-over between provinces: the peer registry and the packets received."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow
from .crypto import EncryptedJSON


class PeerProvince(db.Model):
    """Another province's deployment: its code, public key and API address (admin-managed)."""

    __tablename__ = "peer_provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    api_url: Mapped[str] = mapped_column(String(300))


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


class DeliveryStatus(enum.StrEnum):
    """Where a sent hand-over stands at this (the sending) end."""

    PENDING = "pending"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


class OutgoingHandover(db.Model):
    """A signed packet for another province, retried with back-off until it is acknowledged."""

    __tablename__ = "outgoing_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[str] = mapped_column(String(36), unique=True)
    # One packet per case: a second run of the sender finds it and builds nothing again.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    receiver: Mapped[str] = mapped_column(String(40))
    # Sensitive: what the victim consented to share with the receiving province.
    packet: Mapped[dict] = mapped_column(EncryptedJSON, info={"sensitive": True})
    signature: Mapped[str] = mapped_column(String(100))
    status: Mapped[DeliveryStatus] = mapped_column(
        db.Enum(DeliveryStatus, native_enum=False, length=10), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
