-- ISO-8601 text of an instant as wall-clock time in `tz` with its UTC offset ("2026-03-09T09:00:00-04:00").
-- The JSON feed is built in Postgres as text: formatting here avoids Date objects in Node entirely.
CREATE FUNCTION iso_local(ts timestamptz, tz text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_char(ts AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN s.o < 0 THEN '-' ELSE '+' END
    || lpad((abs(s.o) / 3600)::text, 2, '0') || ':' || lpad((abs(s.o) % 3600 / 60)::text, 2, '0')
  FROM (SELECT extract(epoch FROM (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))::int AS o) AS s
$$;
