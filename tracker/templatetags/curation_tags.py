# Django finds tag libraries only in <app>/templatetags/; the admin index's tag lives with the admin in curation/.
from tracker.curation.index import register as register
