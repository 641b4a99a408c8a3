"""Enterprises (organizations): sign-up, members, pilot-unit confirmation."""
