"""schemathesis runs every API operation against the OpenAPI document, through WSGI."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tracker.cli import seed_demo


def test_api_conforms_to_its_openapi_document(app, runner):
    # Driven by hand rather than through schemathesis' pytest plugin, which does not
    # run under pytest 9; the checks are the same (call_and_validate runs them all).
    result = runner.invoke(seed_demo)
    assert result.exit_code == 0, result.output
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [item.ok() for item in schema.get_all_operations()]
    assert len(operations) == 17  # 16 reads and the staff-only extract

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()
