#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL. With CI=true an unreachable PostgreSQL is a failure;
# elsewhere it is skipped and said so. pytest's own exit code (5 = no tests ran) fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${FAZHI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/fazhi}"
export FAZHI_VAR_DIR="${FAZHI_VAR_DIR:-$(mktemp -d)}"
mkdir -p test-artifacts

echo "== 测试：SQLite =="
DATABASE_URL="sqlite:///$FAZHI_VAR_DIR/test.sqlite3" $BIN/pytest "$@"
sqlite_status=$?

pg_reachable() {
  $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
try:
    psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
                    dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL 不可达：{exc}", file=sys.stderr)
    sys.exit(1)
PY
}

pg_status=0
if pg_reachable; then
  echo "== 测试：PostgreSQL ($PG_URL) =="
  DATABASE_URL="$PG_URL" $BIN/pytest --create-db "$@"
  pg_status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true 但 PostgreSQL 不可达（$PG_URL）：测试失败。" >&2
  pg_status=1
else
  echo "未找到 PostgreSQL（$PG_URL）：已跳过 PostgreSQL 测试，仅在 SQLite 上运行。设置 FAZHI_TEST_POSTGRES_URL 可指定数据库。"
fi

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ]; then
  echo "测试失败：SQLite 退出码 $sqlite_status，PostgreSQL 退出码 $pg_status" >&2
  exit 1
fi
