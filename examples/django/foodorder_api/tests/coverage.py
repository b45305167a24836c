"""The last test of a whole run (the runner adds it; discovery does not
load this module): the tests' requests met every operation of
examples/openapi.json, and every status each documents, but 500 and 503.

500 and 503 can come from every operation (an unexpected SQLSTATE, a
retryable one, the database down) and are each met on one operation
(test_openapi, test_api); requiring them on each would mean failing the
database 13 times over."""
import unittest

from . import openapi
from .base import SPEC

NOT_REQUIRED_PER_OPERATION = {'500', '503'}


class CoverageTest(unittest.TestCase):
    def test_every_operation_and_status_was_exercised(self):
        met = {(key, str(status)) for key, status in openapi.exercised}
        operations = SPEC.operations()
        missing_operations = sorted(f'{m} {t}' for (m, t) in operations
                                    if not any(key == (m, t) for key, _ in met))
        missing_statuses = sorted(
            f'{m} {t} {status}' for (m, t), op in operations.items() for status in op['responses']
            if status not in NOT_REQUIRED_PER_OPERATION and ((m, t), status) not in met)
        wrong_method = {key[1] for key, _ in met if len(key) == 3}
        overall = {status for _, status in met}
        self.assertEqual(missing_operations, [], 'operations no test called')
        self.assertEqual(missing_statuses, [], 'documented statuses no test met')
        self.assertEqual(sorted(set(SPEC.doc['paths']) - wrong_method), [],
                         'paths no test called with a method they do not serve (405)')
        self.assertIn((openapi.UNKNOWN_PATH, '404'), met, 'no test called an unknown path')
        self.assertLessEqual(NOT_REQUIRED_PER_OPERATION, overall,
                             'no test met a 500 or a 503 anywhere')
        print(f'\n  openapi: {len(operations)} operations, '
              f'{len({(k, s) for k, s in met if k in operations})} (operation, status) pairs met',
              end=' ')
