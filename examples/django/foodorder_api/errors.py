"""How a failed call becomes an HTTP answer: the SQLSTATE -> status table.

Every error is answered as
    {"error": {"sqlstate": ..., "message": ..., "detail": ..., "hint": ...}}
with the database's own message, detail and hint, so a client can branch
on the SQLSTATE and show the detail ("dish 7 has 1 left, 2 requested").
Errors the app finds itself (bad JSON, wrong method) have sqlstate null.
"""
import logging

from django.db import DatabaseError, OperationalError
from django.http import JsonResponse

log = logging.getLogger(__name__)

# The one place a SQLSTATE turns into an HTTP status.
HTTP_STATUS_OF_SQLSTATE = {
    'OR001': 409,  # insufficient stock: a valid order the kitchen cannot serve now
    'OR002': 409,  # dish not on sale
    'OR003': 409,  # illegal status change, e.g. cancelling a completed order
    # request_key reused with other dishes: the client broke the idempotency
    # contract, not a conflict with other clients; 422 as the IETF
    # Idempotency-Key draft answers a reused key with another payload.
    'OR004': 422,
    '22004': 400,  # null argument
    '22023': 400,  # bad argument: empty cart, two restaurants, unknown pay method
    '22P02': 400,  # malformed value
    '22003': 400,  # number out of range
    '22001': 400,  # too long: a name, an address, a request key (docs/reference.md, Limits)
    '54000': 400,  # too many lines in one order or cart
    '23503': 404,  # unknown customer, dish, address or order
    '42501': 403,  # this database role may not act for that customer
    '40001': 503,  # serialization failure: retry
    '40P01': 503,  # deadlock: retry
    '55P03': 503,  # lock timeout: retry
    '57014': 503,  # statement timeout or cancel: nothing was written, retry
    '25006': 503,  # read-only transaction: a standby; retry on the primary
    '08001': 503,  # sharded: the order's partition cannot be reached
    '08006': 503,  # sharded: the partition's connection broke; retry with the request key
    '57P01': 503,  # the server ended the session: retry on a new connection
}
RETRY_AFTER_SECONDS = 1  # sent with every 503; a request_key makes the retry safe


class ApiError(Exception):
    """An error to answer with status; sqlstate is None unless it mirrors a database one."""

    def __init__(self, status, message, sqlstate=None, detail=None, hint=None):
        super().__init__(message)
        self.status = status
        self.body = {'sqlstate': sqlstate, 'message': message, 'detail': detail, 'hint': hint}

    def response(self):
        answer = JsonResponse({'error': self.body}, status=self.status)
        if self.status == 503:
            answer['Retry-After'] = str(RETRY_AFTER_SECONDS)
        return answer


def database_error(exc: DatabaseError) -> ApiError:
    """The ApiError for a database error Django raised (psycopg2's is its __cause__)."""
    pg = exc.__cause__ if getattr(exc.__cause__, 'pgcode', None) else exc
    sqlstate = getattr(pg, 'pgcode', None)
    status = HTTP_STATUS_OF_SQLSTATE.get(sqlstate)
    if status is None:
        if sqlstate is None and isinstance(exc, OperationalError):
            log.warning('database unreachable: %s', exc)
            return ApiError(503, 'database unavailable')
        # Not part of the API's contract: log it, do not show internals.
        log.error('unexpected database error %s', sqlstate, exc_info=exc)
        return ApiError(500, 'internal error', sqlstate=sqlstate)
    diag = pg.diag
    return ApiError(status, diag.message_primary, sqlstate=sqlstate,
                    detail=diag.message_detail, hint=diag.message_hint)
