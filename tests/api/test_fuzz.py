"""A bounded schemathesis run against /api/v1/openapi.json, in-process (WSGI), on each database: every
operation gets positive and negative data (a fixed seed), as the commission's organizer and as an
enterprise member, on the demo data, with path ids drawn among the seeded ones half of the time. No
answer may be a 500, every status must be one the document declares, and every answer must match the
schema the document declares for it."""

from __future__ import annotations

from pathlib import Path

import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from trainhub.extensions import db
from trainhub.models import User

EXAMPLES = 8  # per operation, mode: ~70 operations × 2 modes stay within a minute or so per database
CALLERS = ("admin@trainhub.local", "hr@huabei-jixie.example.cn")
FONT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts" / "NotoSansSC_400Regular.ttf"


def _fuzz(operation, mode, tokens, seeded_ids):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        caller=st.sampled_from(CALLERS),
        seeded=st.none() | st.sampled_from(seeded_ids),
    )
    def run(case, caller, seeded):
        if seeded is not None:  # an id that exists, so the request gets past the loader
            for name, value in (case.path_parameters or {}).items():
                if isinstance(value, int) and not isinstance(value, bool):
                    case.path_parameters[name] = seeded
        headers = {"Authorization": f"Bearer {tokens[caller]}"}
        response = case.call(headers=headers)
        case.validate_response(
            response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance], headers=headers
        )

    run()


def test_the_api_survives_a_fuzzer(app, runner, make):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    tokens = {email: make.token(db.session.scalar(sa.select(User).where(User.email == email))) for email in CALLERS}
    seeded_ids = list(range(1, 13))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not FONT.exists() and operation.path.endswith((".pdf", ".zip")):
            continue  # PDFs need the fonts `make assets` copies; without them they fail, as they must
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            tried += 1
            try:
                _fuzz(operation, mode, tokens, seeded_ids)
            except Unsatisfiable:
                pass  # nothing to make negative (no parameters, no body)
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup is the latter;
                # every operation's failure is collected, then reported together
                failures.append(f"{operation.label} [{mode.value}]\n{str(failure)[:2000]}")
            db.session.rollback()
    assert tried > 100
    assert failures == [], "\n\n".join(failures)
