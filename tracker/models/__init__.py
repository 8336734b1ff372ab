"""All models, imported here so Alembic and the app see every table."""

from tracker.models.agency import AGENCY_KINDS, Agency, AgencyAlias, AgencySlugRedirect
from tracker.models.change import ChangeLog
from tracker.models.correction import CORRECTION_FIELDS, CORRECTION_STATUSES, Correction
from tracker.models.login_session import LoginSession
from tracker.models.meeting import (
    ATTENDANCE,
    MEETING_KINDS,
    ROLES,
    STATUSES,
    VISIBILITIES,
    Meeting,
    Participation,
)
from tracker.models.person import Person
from tracker.models.press_release import (
    COVERAGE_RELATIONS,
    Coverage,
    Evidence,
    PressRelease,
    content_hash,
)
from tracker.models.region import ELECTION_KINDS, INDONESIAN_ZONES, Election, Region
from tracker.models.region_name import REGION_NAME_KINDS, RegionName
from tracker.models.subscription import Subscription
from tracker.models.tally import TALLY_FLAGS, BodyPairTotal, BodyTally, BodyTotal
from tracker.models.types import UTCDateTime, utcnow
from tracker.models.user import USER_ROLES, User
from tracker.models.venue import Venue

__all__ = [
    "AGENCY_KINDS",
    "ATTENDANCE",
    "CORRECTION_FIELDS",
    "CORRECTION_STATUSES",
    "COVERAGE_RELATIONS",
    "ELECTION_KINDS",
    "INDONESIAN_ZONES",
    "MEETING_KINDS",
    "REGION_NAME_KINDS",
    "ROLES",
    "STATUSES",
    "TALLY_FLAGS",
    "USER_ROLES",
    "VISIBILITIES",
    "Agency",
    "AgencyAlias",
    "AgencySlugRedirect",
    "BodyPairTotal",
    "BodyTally",
    "BodyTotal",
    "ChangeLog",
    "Correction",
    "Coverage",
    "Election",
    "Evidence",
    "LoginSession",
    "Meeting",
    "Participation",
    "Person",
    "PressRelease",
    "Region",
    "RegionName",
    "Subscription",
    "UTCDateTime",
    "User",
    "Venue",
    "content_hash",
    "utcnow",
]
