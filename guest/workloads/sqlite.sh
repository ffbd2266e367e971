# Database: sqlite3 builds, indexes, queries, updates and checks a table.
ROWS=50000

run() {
	/usr/bin/sqlite3 t.db <<SQL
PRAGMA journal_mode = MEMORY;
CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)
INSERT INTO t SELECT x, (x * 7919) % 10007, hex((x * 2654435761) % 4294967296) FROM c;
CREATE INDEX t_a ON t(a);
SELECT count(*), sum(a), max(b), min(b) FROM t;
SELECT a, count(*) AS n FROM t GROUP BY a ORDER BY n DESC, a LIMIT 3;
SELECT count(*), sum(t2.a) FROM t AS t1 JOIN t AS t2 ON t1.a = t2.id WHERE t2.a < 500;
UPDATE t SET b = lower(b) || substr(b, 1, 2) WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 1;
SELECT count(*), total(length(b)), group_concat(id, ',') FILTER (WHERE id < 40) FROM t;
VACUUM;
PRAGMA integrity_check;
SQL
}
