-- Baseline of the local model (domain.md §7): mart.local_indicators and
-- mart.local_categories as hand-written DuckDB SQL.
--
-- Runs after baseline.sql, on its tables `kaas` (the kaas/ cells, latest
-- delivery winning), `membership` and `area_year`. The driver
-- (benchmarks/baseline.py) also provides:
--   local_csv_raw(afdeling_id, aar, maal, vaerdi, filename)  read_csv of local/
--   local_xlsx(...)                      local/ XLSX through the product's reader
--   afdelinger_in(afdeling_id, municipality_code)            areas/afdelinger.csv
--   areas_in(area_id, municipality_code)                     areas/areas.csv
--   survey_in(wave_id, year, area_id, item_id, n_answers, n_positive, share,
--             suppressed)   the published mart.survey_results (a step of its own
--             in the product, not part of the local model)
--   model_indicators(indicator_id, ord, num_maal, den_maal, survey_item,
--                    direction, scale)  and  model_bands(p, q), model_params(
--                    model_id, min_residents, max_points, red_from, orange_from,
--                    yellow_from)    the model in force (models/local.yaml or the
--             product's default), as rows: the model is data, not code
-- Exactness as in the product: micro-units in HUGEINT, ratio r = a / b tested
-- against each band edge p / q by q * a >= p * b.

-- @phase load
CREATE TABLE local_records AS
SELECT trim(c.afdeling_id) AS afdeling_id, CAST(trim(c.aar) AS INTEGER) AS aar,
       lower(trim(c.maal)) AS maal,
       CASE WHEN trim(c.vaerdi) <> '..'
            THEN CAST(replace(trim(c.vaerdi), ',', '.') AS DECIMAL(18, 6)) END AS vaerdi,
       trim(c.vaerdi) = '..' AS suppressed,
       CAST(regexp_extract(c.filename, '(\d{4}-\d{2}-\d{2})', 1) AS DATE) AS delivery_date,
       c.filename AS source_file
FROM local_csv_raw c
WHERE coalesce(trim(c.vaerdi), '') <> ''
UNION ALL
SELECT afdeling_id, aar, maal, vaerdi, suppressed, delivery_date, source_file FROM local_xlsx;

-- The cells local/ decides (the product's staging.local): among the local/
-- deliveries and the kaas/ cell of the same key, the later dated delivery wins.
CREATE TABLE local_cells AS
WITH contenders AS (
    SELECT *, true AS is_local FROM local_records
    UNION ALL
    SELECT k.afdeling_id, k.aar, k.maal, k.vaerdi, k.suppressed, k.delivery_date,
           k.source_file, false
    FROM kaas k SEMI JOIN local_records l USING (afdeling_id, aar, maal)
)
SELECT afdeling_id, aar, maal, vaerdi, suppressed
FROM contenders
QUALIFY row_number() OVER (PARTITION BY afdeling_id, aar, maal
                           ORDER BY delivery_date DESC, source_file DESC) = 1
    AND is_local;

CREATE TABLE afdelinger AS
SELECT trim(afdeling_id) AS afdeling_id, trim(municipality_code) AS municipality_code
FROM afdelinger_in;

-- @phase local
-- What the model reads: the kaas/ cells local/ does not decide, and local/'s.
CREATE TABLE cells AS
SELECT afdeling_id, aar, maal, vaerdi, suppressed
FROM kaas ANTI JOIN local_cells USING (afdeling_id, aar, maal)
UNION ALL
SELECT * FROM local_cells;

CREATE TABLE l_years AS SELECT DISTINCT aar AS year FROM cells;

CREATE TABLE l_members AS
SELECT m.area_id, y.year, m.afdeling_id
FROM membership m JOIN l_years y ON y.year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999);

CREATE TABLE l_grid AS SELECT DISTINCT area_id, year FROM l_members;

-- An afdeling is in a data year's register when it has any cell that year.
CREATE TABLE l_keys AS SELECT DISTINCT afdeling_id, aar AS year FROM cells;

-- Each (afdeling, year, indicator) with a cell of its numerator or denominator:
-- their units (NULL: suppressed or not delivered) and suppression.
CREATE TABLE l_afd AS
WITH roles AS (
    SELECT indicator_id, num_maal AS maal, true AS is_num FROM model_indicators
    WHERE survey_item IS NULL
    UNION ALL
    SELECT indicator_id, den_maal, false FROM model_indicators WHERE survey_item IS NULL
)
-- Micro-units in DECIMAL(18, 6) arithmetic: exact, and a cell of 10^6 or more
-- overflows with an error (never a wrong sum); int128 decimals cost twice as much.
SELECT c.afdeling_id, c.aar AS year, r.indicator_id,
       max(CAST(c.vaerdi * 1000000 AS HUGEINT))
           FILTER (WHERE r.is_num AND NOT coalesce(c.suppressed, false)) AS num,
       max(CAST(c.vaerdi * 1000000 AS HUGEINT))
           FILTER (WHERE NOT r.is_num AND NOT coalesce(c.suppressed, false)) AS den,
       coalesce(bool_or(c.suppressed), false) AS suppressed
FROM cells c JOIN roles r USING (maal)
GROUP BY ALL;

-- An area's sum is known only when every member has the cell (a member
-- without any cell that year has none).
CREATE TABLE l_area_sums AS
SELECT m.area_id, m.year, i.indicator_id,
       CASE WHEN count(a.num) = count(*) THEN sum(a.num) END AS a_num,
       CASE WHEN count(a.den) = count(*) THEN sum(a.den) END AS a_den,
       coalesce(bool_or(a.suppressed), false) AS suppressed
FROM l_members m
CROSS JOIN (SELECT indicator_id FROM model_indicators WHERE survey_item IS NULL) i
LEFT JOIN l_afd a ON a.afdeling_id = m.afdeling_id AND a.year = m.year
                 AND a.indicator_id = i.indicator_id
GROUP BY ALL;

-- The municipality's social housing: every afdeling of the register with a
-- cell that year, less those without both numerator and denominator.
CREATE TABLE l_comparison AS
WITH register AS (
    SELECT f.municipality_code, k.year, count(*) AS afdelinger
    FROM l_keys k JOIN afdelinger f USING (afdeling_id) GROUP BY ALL
),
used AS (
    SELECT f.municipality_code, a.year, a.indicator_id, sum(a.num) AS m_num,
           sum(a.den) AS m_den, count(*) AS n
    FROM l_afd a JOIN afdelinger f USING (afdeling_id)
    WHERE a.num IS NOT NULL AND a.den IS NOT NULL
    GROUP BY ALL
)
SELECT r.municipality_code, r.year, i.indicator_id, u.m_num, u.m_den,
       CAST(r.afdelinger - coalesce(u.n, 0) AS INTEGER) AS left_out
FROM register r
CROSS JOIN (SELECT indicator_id FROM model_indicators WHERE survey_item IS NULL) i
LEFT JOIN used u USING (municipality_code, year, indicator_id);

-- Survey items: the newest wave in the four years up to the data year; its
-- comparison is the wave's `all` row. Unweighted shares as exact fractions.
CREATE TABLE l_survey AS
SELECT wave_id, CAST(year AS INTEGER) AS wave_year, area_id, item_id,
       coalesce(suppressed, false) AS suppressed,
       CASE WHEN NOT coalesce(suppressed, false) AND share IS NOT NULL AND n_answers > 0 THEN
            CASE WHEN abs(CAST(n_positive AS DOUBLE) * 100 / n_answers - share) < 1e-9
                 THEN CAST(n_positive AS HUGEINT)
                 ELSE CAST(round(share * 1000000) AS HUGEINT) END END AS s_num,
       CASE WHEN NOT coalesce(suppressed, false) AND share IS NOT NULL AND n_answers > 0 THEN
            CASE WHEN abs(CAST(n_positive AS DOUBLE) * 100 / n_answers - share) < 1e-9
                 THEN CAST(n_answers AS HUGEINT)
                 ELSE CAST(100000000 AS HUGEINT) END END AS s_den
FROM survey_in;

CREATE TABLE l_values AS
SELECT g.area_id, g.year, i.indicator_id, i.direction, i.scale,
       s.a_num, s.a_den, c.m_num, c.m_den, c.left_out,
       coalesce(s.suppressed, false) AND (s.a_num IS NULL OR s.a_den IS NULL) AS suppressed,
       NULL::VARCHAR AS wave_id, false AS is_survey
FROM l_grid g
CROSS JOIN (SELECT * FROM model_indicators WHERE survey_item IS NULL) i
LEFT JOIN l_area_sums s USING (area_id, year, indicator_id)
LEFT JOIN areas_in ar ON ar.area_id = g.area_id
LEFT JOIN l_comparison c ON c.municipality_code = ar.municipality_code
                        AND c.year = g.year AND c.indicator_id = i.indicator_id
UNION ALL
SELECT g.area_id, g.year, i.indicator_id, i.direction, 100 AS scale,
       w.s_num, w.s_den, e.s_num, e.s_den, NULL::INTEGER,
       coalesce(w.suppressed, false), w.wave_id, true
FROM l_grid g
CROSS JOIN (SELECT * FROM model_indicators WHERE survey_item IS NOT NULL) i
LEFT JOIN LATERAL (
    SELECT * FROM l_survey o
    WHERE o.area_id = g.area_id AND o.item_id = i.survey_item
      AND o.wave_year BETWEEN g.year - 3 AND g.year
    ORDER BY o.wave_year DESC, o.wave_id DESC LIMIT 1) w ON true
LEFT JOIN l_survey e ON e.area_id = 'all' AND e.wave_id = w.wave_id
                    AND e.item_id = i.survey_item;

-- Oriented ratio r = a / b (lower_worse: b / a); one point per edge reached;
-- 0 / 0 is r = 1, x / 0 is worse than every edge.
CREATE TABLE local_indicators AS
WITH oriented AS (
    SELECT *,
        a_num IS NOT NULL AND a_den IS NOT NULL AND a_den > 0 AS known,
        a_num IS NOT NULL AND a_den IS NOT NULL AND a_den > 0
            AND m_num IS NOT NULL AND m_den IS NOT NULL AND m_den > 0 AS compared,
        CASE WHEN direction = 'higher_worse' THEN a_num * m_den ELSE a_den * m_num END AS a,
        CASE WHEN direction = 'higher_worse' THEN a_den * m_num ELSE a_num * m_den END AS b
    FROM l_values
),
scored AS (
    SELECT o.area_id, o.year, o.indicator_id,
           sum(CASE WHEN o.b > 0 THEN o.q_a >= o.p_b WHEN o.a > 0 THEN true
                    ELSE o.p <= o.q END::INTEGER) AS points
    FROM (SELECT v.*, e.p, e.q, e.q * v.a AS q_a, e.p * v.b AS p_b
          FROM oriented v CROSS JOIN model_bands e WHERE v.compared) o
    GROUP BY ALL
)
SELECT o.area_id, CAST(o.year AS INTEGER) AS year, (SELECT model_id FROM model_params) AS model_id,
       o.indicator_id,
       CASE WHEN o.known THEN CAST(o.a_num AS DOUBLE) * o.scale / CAST(o.a_den AS DOUBLE) END
           AS value,
       CASE WHEN NOT o.is_survey THEN CAST(o.a_num AS DOUBLE) / 1000000 END AS numerator,
       CASE WHEN NOT o.is_survey THEN CAST(o.a_den AS DOUBLE) / 1000000 END AS denominator,
       CASE WHEN o.m_den > 0 THEN CAST(o.m_num AS DOUBLE) * o.scale / CAST(o.m_den AS DOUBLE) END
           AS comparison_value,
       o.left_out AS comparison_left_out,
       CASE WHEN o.compared THEN
            CASE WHEN o.b > 0 THEN CAST(o.a AS DOUBLE) / CAST(o.b AS DOUBLE)
                 WHEN o.a = 0 THEN 1.0 END END AS ratio,
       CAST(s.points AS INTEGER) AS points,
       o.suppressed, o.wave_id
FROM oriented o
LEFT JOIN scored s USING (area_id, year, indicator_id);

-- A category only where every possible number of points of the unknown
-- indicators gives the same one.
CREATE TABLE local_categories AS
WITH totals AS (
    SELECT area_id, year, CAST(count(*) - count(points) AS INTEGER) AS unknown_indicators,
           CAST(coalesce(sum(points), 0) AS INTEGER) AS points_min
    FROM local_indicators GROUP BY ALL
),
bounded AS (
    SELECT t.*, CAST(t.points_min + p.max_points * t.unknown_indicators AS INTEGER) AS points_max,
           p.model_id, p.red_from, p.orange_from, p.yellow_from, y.residents
    FROM totals t CROSS JOIN model_params p
    JOIN area_year y ON y.area_id = t.area_id AND y.year = t.year
    WHERE y.residents >= p.min_residents
)
SELECT area_id, year, model_id, CAST(residents AS BIGINT) AS residents, unknown_indicators,
       points_min, points_max,
       CASE WHEN category_min = category_max THEN category_min END AS category
FROM (SELECT *,
        CASE WHEN points_min >= red_from THEN 'red' WHEN points_min >= orange_from THEN 'orange'
             WHEN points_min >= yellow_from THEN 'yellow' ELSE 'green' END AS category_min,
        CASE WHEN points_max >= red_from THEN 'red' WHEN points_max >= orange_from THEN 'orange'
             WHEN points_max >= yellow_from THEN 'yellow' ELSE 'green' END AS category_max
      FROM bounded);
