"""The same live event, trainer and clock as the check-in tests."""

from tests.checkin.conftest import *  # noqa: F403 (shared fixtures)
