# Django finds tag libraries only in <app>/templatetags/; the tags live with the pages in explore/.
from tracker.explore.tags import register as register
