"""Departments, users and their memberships (department + role)."""

import enum

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db
from .crypto import EncryptedText

# The nine departments of the provincial action plan: (code, English name, Chinese name).
DEPARTMENTS = (
    ("police", "Public Security", "公安厅"),
    ("civil_affairs", "Civil Affairs", "民政厅"),
    ("health", "Health", "卫生厅"),
    ("justice", "Justice (legal aid)", "司法厅"),
    ("education", "Education", "教育厅"),
    ("hr_social_security", "Human Resources and Social Security", "人力资源和社会保障厅"),
    ("womens_federation", "Women's Federation", "妇联"),
    ("disabled_persons_federation", "Disabled Persons' Federation", "残联"),
    ("joint_office", "Joint Conference Office", "反拐工作联席会议办公室"),
)
DEPARTMENT_CODES = frozenset(code for code, _, _ in DEPARTMENTS)


class Role(enum.StrEnum):
    """What a member may do in the department they belong to."""

    SOCIAL_WORKER = "social_worker"
    DEPARTMENT_HEAD = "department_head"
    MANAGER = "manager"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Department(db.Model):
    """A government department; its code is the name of its lane in every diagram."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120))


class User(UserMixin, db.Model):
    """A person who logs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh")
    # Where notifications are mailed (case numbers and links only); none: in the app only.
    email: Mapped[str | None] = mapped_column(String(255))
    # Raised to end every session of the account (logout, password change, an admin).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The TOTP secret of the second factor (oversight roles); readable by the login only,
    # encrypted at rest: whoever reads a dump must not be able to make the account's codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText, info={"sensitive": True})
    # The 30-s time step of the last accepted code: a code is good once (replays refused).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def has_role(self, role: Role) -> bool:
        """Whether any membership grants `role`."""
        return any(m.role == role for m in self.memberships)

    def department_codes(self) -> set[str]:
        """Departments whose casework this user does (social-worker memberships only:
        managers, reviewers and admins belong to the joint office but do no casework)."""
        return {
            m.department.code
            for m in self.memberships
            if m.department is not None and m.role == Role.SOCIAL_WORKER
        }

    def headed_department_codes(self) -> set[str]:
        """Departments this user heads (department-head memberships)."""
        return {
            m.department.code
            for m in self.memberships
            if m.department is not None and m.role == Role.DEPARTMENT_HEAD
        }

    def get_id(self) -> str:
        """Flask-Login: the session names the account and its session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated accounts cannot log in."""
        return self.active


class Membership(db.Model):
    """A user's role, in a department (social workers) or across them (manager, reviewer, admin)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "department_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    user: Mapped[User] = relationship(back_populates="memberships")
    department: Mapped[Department | None] = relationship(lazy="joined")
