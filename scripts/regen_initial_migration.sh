#!/usr/bin/env bash
# While nothing is deployed, the schema lives in one initial migration (0001) regenerated from the
# models; 0002+ are data migrations. Run after changing models; the migration-check test fails
# until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
mkdir -p "$tmp/later"
find migrations/versions -maxdepth 1 -name '*.py' ! -name '0001_*' -exec mv {} "$tmp/later/" \;
rm -f migrations/versions/0001_initial_schema.py
trap 'mv "$tmp"/later/*.py migrations/versions/ 2>/dev/null || true; rm -rf "$tmp"' EXIT
TRAINHUB_DATABASE_URL="sqlite:///$tmp/regen.sqlite3" .venv/bin/flask --app wsgi db migrate -m "initial schema" --rev-id 0001 2>&1 | grep -v "^INFO" || true
echo "regenerated migrations/versions/0001_initial_schema.py"
