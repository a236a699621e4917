"""Errors of the exchange between provinces; the API turns them into 4xx answers."""


class ExchangeError(Exception):
    """Base class of every error the exchange raises on purpose."""


class UnknownSender(ExchangeError):
    """The packet names a province that is not in this deployment's registry of peers."""


class SignatureRefused(ExchangeError):
    """The signature is not the registered peer's over exactly this packet."""


class PacketInvalid(ExchangeError):
    """The packet lacks what every packet carries, or is not for this province."""


class AlreadyDecided(ExchangeError):
    """The hand-over was accepted, refused or withdrawn already: it cannot change again
    (`status`: how it was decided, where known)."""

    def __init__(self, packet_id: str, status: str | None = None):
        super().__init__(packet_id)
        self.packet_id, self.status = packet_id, status


class NoSigningKey(ExchangeError):
    """This deployment has no signing key, so it can sign no answer."""


class WithdrawalFailed(ExchangeError):
    """The receiving province did not confirm the withdrawal (down, out of reach, no answer)."""


class PeerNotEnabled(WithdrawalFailed):
    """The receiving province is disabled or no longer registered here: it cannot be asked."""
