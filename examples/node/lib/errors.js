'use strict';
// How a failed call becomes an HTTP answer: the SQLSTATE -> status table,
// the same as examples/django/foodorder_api/errors.py.
//
// Every error is answered as
//     {"error": {"sqlstate": ..., "message": ..., "detail": ..., "hint": ...}}
// with the database's own message, detail and hint, so a client can branch
// on the SQLSTATE and show the detail ("dish 7 has 1 left, 2 requested").
// Errors the app finds itself (bad JSON, wrong method, unknown path, the
// database unreachable) have sqlstate null.
const { DatabaseError } = require('pg');

// The one place a SQLSTATE turns into an HTTP status.
const HTTP_STATUS_OF_SQLSTATE = Object.freeze({
  OR001: 409, // insufficient stock: a valid order the kitchen cannot serve now
  OR002: 409, // dish not on sale
  OR003: 409, // illegal status change, e.g. cancelling a completed order
  // request_key reused with other dishes: the client broke the idempotency
  // contract (422, as the IETF Idempotency-Key draft answers it)
  OR004: 422,
  22004: 400, // null argument
  22023: 400, // bad argument: empty cart, two restaurants, unknown pay method
  '22P02': 400, // malformed value
  22003: 400, // number out of range
  22001: 400, // too long: a name, an address, a request key (docs/reference.md, Limits)
  54000: 400, // too many lines in one order or cart
  23503: 404, // unknown customer, dish, address or order
  42501: 403, // this database role may not act for that customer or restaurant
  40001: 503, // serialization failure: retry
  '40P01': 503, // deadlock: retry
  '55P03': 503, // lock timeout: retry
  57014: 503, // statement timeout or cancel: nothing was written, retry
  25006: 503, // read-only transaction: a standby; retry on the primary
  '08001': 503, // sharded: the order's partition cannot be reached
  '08006': 503, // sharded: the partition's connection broke; retry with the request key
  '57P01': 503, // the server ended the session: retry on a new connection
});
const RETRY_AFTER_SECONDS = 1; // sent with every 503; a request_key makes the retry safe

class ApiError extends Error {
  // An error to answer with status; sqlstate is null unless it mirrors a database one.
  constructor(status, message, { sqlstate = null, detail = null, hint = null } = {}) {
    super(message);
    this.status = status;
    this.body = { sqlstate, message, detail, hint };
  }
}

// The database could not be reached, or the connection broke mid-call: no
// SQLSTATE to map (Django: an OperationalError without pgcode).
class DatabaseUnavailable extends Error {
  constructor(cause) {
    super(`database unavailable: ${cause && cause.message}`);
    this.cause = cause;
  }
}

// A SQLSTATE the server sent, or null (connection errors carry errno
// strings such as ECONNREFUSED in .code, which are not SQLSTATEs).
function sqlstateOf(err) {
  return err instanceof DatabaseError && typeof err.code === 'string'
    && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : null;
}

// The ApiError for anything a handler threw; log gets what is not shown.
function apiErrorOf(err, log) {
  if (err instanceof ApiError) return err;
  if (err instanceof DatabaseUnavailable) {
    log.warn(err.message);
    return new ApiError(503, 'database unavailable');
  }
  const sqlstate = sqlstateOf(err);
  const status = sqlstate && HTTP_STATUS_OF_SQLSTATE[sqlstate];
  if (!status) {
    // Not part of the API's contract: log it, do not show internals.
    log.error(`unexpected error ${sqlstate}:`, err);
    return new ApiError(500, 'internal error', { sqlstate });
  }
  return new ApiError(status, err.message, {
    sqlstate, detail: err.detail ?? null, hint: err.hint ?? null,
  });
}

module.exports = {
  HTTP_STATUS_OF_SQLSTATE, RETRY_AFTER_SECONDS, ApiError, DatabaseUnavailable,
  sqlstateOf, apiErrorOf,
};
