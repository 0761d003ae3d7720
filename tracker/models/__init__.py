"""The data: one module per family of models, each model with its QuerySet, and the search document.

May import: tracker.dates, Django and django-reversion. Never explore, curation, intake or samples.
This file only re-exports, so `from tracker.models import ArmsRequest` works wherever a model lives.
"""

from .base import INTEGER_RANGE as INTEGER_RANGE
from .base import choices_constraint as choices_constraint
from .base import count_up_to as count_up_to
from .base import non_negative as non_negative
from .claims import Claim as Claim
from .claims import ClaimField as ClaimField
from .deliveries import Delivery as Delivery
from .deliveries import deliveries_text as deliveries_text
from .deliveries import parse_deliveries as parse_deliveries
from .deployments import Deployment as Deployment
from .deployments import DeploymentQuerySet as DeploymentQuerySet
from .deployments import DeploymentStatus as DeploymentStatus
from .deployments import LocationPrecision as LocationPrecision
from .equipment import EquipmentType as EquipmentType
from .equipment import System as System
from .equipment import SystemQuerySet as SystemQuerySet
from .evidence import Capture as Capture
from .evidence import CaptureState as CaptureState
from .evidence import LinkCheck as LinkCheck
from .evidence import LinkOutcome as LinkOutcome
from .freshness import DataVersion as DataVersion
from .history import record_each as record_each
from .history import revision as revision
from .imports import ImportKind as ImportKind
from .imports import ImportRun as ImportRun
from .imports import ImportState as ImportState
from .jobs import Job as Job
from .jobs import JobState as JobState
from .jobs import StagedFile as StagedFile
from .people import Person as Person
from .places import Country as Country
from .places import CountryKind as CountryKind
from .places import CountryQuerySet as CountryQuerySet
from .publishing import Publishable as Publishable
from .publishing import PublishableQuerySet as PublishableQuerySet
from .readings import Decision as Decision
from .readings import Reading as Reading
from .readings import ReadingState as ReadingState
from .releases import Release as Release
from .releases import ReleaseSpan as ReleaseSpan
from .releases import ReleaseStatus as ReleaseStatus
from .requests import ArmsRequest as ArmsRequest
from .requests import ArmsRequestQuerySet as ArmsRequestQuerySet
from .requests import Channel as Channel
from .requests import HelpKind as HelpKind
from .requests import RequestItem as RequestItem
from .requests import RequestStatus as RequestStatus
from .sources import Citation as Citation
from .sources import Credibility as Credibility
from .sources import Reliability as Reliability
from .sources import Source as Source
from .sources import SourceKind as SourceKind
from .tallies import CountryTally as CountryTally
from .tallies import DeploymentTally as DeploymentTally
from .tallies import PeriodTally as PeriodTally
from .tallies import RequestTally as RequestTally
from .tallies import SystemTally as SystemTally
from .tallies import rebuild_tallies as rebuild_tallies
from .versioned import register_all as register_all
