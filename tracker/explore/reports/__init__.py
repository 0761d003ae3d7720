"""CSV reports that stream: one FilterSet, two renderers (the page and this).

Rows are written as the database cursor yields them, a chunk at a time, so a
million rows cost no more memory than ten. Items and citations are fetched per
chunk as plain tuples: model instances linked both ways (what prefetch_related
builds) form reference cycles that linger until a full garbage collection, and
memory would then grow with the file. Text cells a spreadsheet would run as a
formula are neutralised; numbers stay numbers.
"""

from tracker.columns import CITATION_COLUMNS as CITATION_COLUMNS
from tracker.columns import DEPLOYMENT_COLUMNS as DEPLOYMENT_COLUMNS
from tracker.columns import REQUEST_COLUMNS as REQUEST_COLUMNS
from tracker.columns import REQUEST_RECORD_COLUMNS as REQUEST_RECORD_COLUMNS

from .by_record import RecordReport as RecordReport
from .by_record import record_report as record_report
from .cells import neutralise as neutralise
from .citations import citation_report as citation_report
from .deployments import deployment_report as deployment_report
from .requests import RequestReport as RequestReport
from .requests import copy_blocks as copy_blocks
from .requests import request_report as request_report
from .requests import sql_rows as sql_rows
from .sizes import one_row_each as one_row_each
from .sizes import one_row_per_item as one_row_per_item
from .streaming import filename_for as filename_for
from .streaming import report_transaction as report_transaction
from .streaming import stream_csv as stream_csv
