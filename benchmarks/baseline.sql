-- Baseline: the area-list indicators and statuses as one hand-written DuckDB script.
--
-- What the product computes in mart.area_year, mart.indicator_values and
-- mart.area_status, written directly in SQL over the same input files, to
-- measure what the product's layers cost. Same rules (domain.md §2,
-- indicators/catalogue.yaml): area sums over the afdelinger of the list
-- year's delimitation, exact comparisons (values in micro-units, fractions
-- cross-multiplied in HUGEINT), two- and four-year averages of annual rates,
-- every regime for every list year, statuses in three-valued logic,
-- omdannelse's look-back under the rules then in force, kombineret udlejning.
-- The rules are written into the SQL here, not read from the catalogue.
--
-- The driver (benchmarks/baseline.py) provides, before the script runs:
--   kaas_csv_raw(afdeling_id, aar, maal, vaerdi, filename)  a view over
--       read_csv of the long CSV deliveries, one read per dialect
--   kaas_xlsx(afdeling_id, aar, maal, vaerdi, suppressed, source_file,
--       delivery_date)  the wide XLSX deliveries through the product's reader
--   delivery_labels(label, maal)  kaas/labels.yaml, labels in lower case
-- and replaces {data} with the data directory. `-- @phase <name>` lines
-- split the timing.

-- @phase load
CREATE MACRO micro(v) AS CAST(CAST(v AS DECIMAL(38, 6)) * 1000000 AS HUGEINT);

CREATE TABLE records AS
SELECT trim(c.afdeling_id) AS afdeling_id, CAST(trim(c.aar) AS INTEGER) AS aar,
       coalesce(l.maal, lower(trim(c.maal))) AS maal,
       CASE WHEN trim(c.vaerdi) <> '..'
            THEN CAST(replace(trim(c.vaerdi), ',', '.') AS DECIMAL(18, 6)) END AS vaerdi,
       trim(c.vaerdi) = '..' AS suppressed,
       CAST(regexp_extract(c.filename, '(\d{4}-\d{2}-\d{2})', 1) AS DATE) AS delivery_date,
       c.filename AS source_file
FROM kaas_csv_raw c LEFT JOIN delivery_labels l ON l.label = lower(trim(c.maal))
WHERE coalesce(trim(c.vaerdi), '') <> ''
UNION ALL
SELECT afdeling_id, aar, maal, vaerdi, suppressed, delivery_date, source_file FROM kaas_xlsx;

-- The latest dated delivery of each cell wins: the typed long table the
-- product's staging.kaas also holds (with its delivery, which local/ needs).
CREATE TABLE kaas AS
SELECT afdeling_id, aar, maal, vaerdi, suppressed, delivery_date, source_file
FROM records
QUALIFY row_number() OVER (PARTITION BY afdeling_id, aar, maal
                           ORDER BY delivery_date DESC, source_file DESC) = 1;

CREATE TABLE areas AS
SELECT trim(area_id) AS area_id, CAST(region_code AS INTEGER) AS region_code
FROM read_csv('{data}/areas/areas.csv', delim = ';', header = true, all_varchar = true);

CREATE TABLE membership AS
SELECT trim(area_id) AS area_id, trim(afdeling_id) AS afdeling_id,
       CAST(valid_from AS INTEGER) AS valid_from,
       CAST(nullif(trim(valid_to), '') AS INTEGER) AS valid_to
FROM read_csv('{data}/areas/membership.csv', delim = ';', header = true, all_varchar = true);

CREATE TABLE national AS
SELECT CAST(aar AS INTEGER) AS aar, micro(replace(vaerdi, ',', '.')) AS units
FROM read_csv('{data}/reference/national.csv', delim = ';', header = true, all_varchar = true)
WHERE maal = 'domte_andel_18plus' AND vaerdi <> '..';

CREATE TABLE regional AS
SELECT CAST(region_code AS INTEGER) AS region_code, CAST(aar AS INTEGER) AS aar,
       micro(replace(vaerdi, ',', '.')) AS units
FROM read_csv('{data}/reference/regional.csv', delim = ';', header = true, all_varchar = true)
WHERE maal = 'gns_bruttoindkomst_15_64' AND vaerdi <> '..';

-- @phase compute
CREATE MACRO persons(u) AS u // 1000000;
CREATE MACRO at_least(k, met, unknown) AS
    CASE WHEN met >= k THEN TRUE WHEN met + unknown < k THEN FALSE END;
CREATE MACRO n_true(b) AS coalesce(CAST(b AS INTEGER), 0);
CREATE MACRO n_null(b) AS CAST(b IS NULL AS INTEGER);
CREATE MACRO regime_in_force(y) AS
    CASE WHEN y >= 2021 THEN '2021' WHEN y >= 2018 THEN '2018'
         WHEN y >= 2013 THEN '2013' WHEN y >= 2010 THEN '2010' END;

-- List years: from the first list to the latest year whose residents are known.
CREATE TABLE list_years AS
SELECT CAST(range AS INTEGER) AS list_year
FROM range(2010, (SELECT max(aar) FROM kaas
                  WHERE maal = 'beboere' AND NOT suppressed AND vaerdi IS NOT NULL) + 1);

CREATE TABLE members AS
SELECT DISTINCT m.area_id, y.list_year, m.afdeling_id
FROM membership m JOIN list_years y
  ON y.list_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999);

-- One row per afdeling and data year: each measure's micro-units (exact
-- integers) and suppression.
CREATE TABLE kaas_wide AS
WITH kaas AS (
    SELECT afdeling_id, aar, maal, suppressed,
           CASE WHEN NOT suppressed THEN micro(vaerdi) END AS units
    FROM kaas
    WHERE afdeling_id IN (SELECT afdeling_id FROM membership)
)
SELECT afdeling_id, aar,
    max(units) FILTER (WHERE maal = 'beboere') AS res,
    bool_or(suppressed) FILTER (WHERE maal = 'beboere') AS res_s,
    max(units) FILTER (WHERE maal = 'beboere_18_64') AS b1864,
    bool_or(suppressed) FILTER (WHERE maal = 'beboere_18_64') AS b1864_s,
    max(units) FILTER (WHERE maal = 'uden_tilknytning_18_64') AS uden,
    bool_or(suppressed) FILTER (WHERE maal = 'uden_tilknytning_18_64') AS uden_s,
    max(units) FILTER (WHERE maal = 'beboere_18plus') AS b18,
    bool_or(suppressed) FILTER (WHERE maal = 'beboere_18plus') AS b18_s,
    max(units) FILTER (WHERE maal = 'domte_18plus') AS domte,
    bool_or(suppressed) FILTER (WHERE maal = 'domte_18plus') AS domte_s,
    max(units) FILTER (WHERE maal = 'beboere_30_59') AS b3059,
    bool_or(suppressed) FILTER (WHERE maal = 'beboere_30_59') AS b3059_s,
    max(units) FILTER (WHERE maal = 'grundskole_30_59') AS grund,
    bool_or(suppressed) FILTER (WHERE maal = 'grundskole_30_59') AS grund_s,
    max(units) FILTER (WHERE maal = 'uoplyst_udd_30_59') AS uopl,
    bool_or(suppressed) FILTER (WHERE maal = 'uoplyst_udd_30_59') AS uopl_s,
    max(units) FILTER (WHERE maal = 'skattepligtige_15_64') AS tax,
    bool_or(suppressed) FILTER (WHERE maal = 'skattepligtige_15_64') AS tax_s,
    max(units) FILTER (WHERE maal = 'bruttoindkomst_15_64') AS inc,
    bool_or(suppressed) FILTER (WHERE maal = 'bruttoindkomst_15_64') AS inc_s,
    max(units) FILTER (WHERE maal = 'ikkevestlige') AS ikv,
    bool_or(suppressed) FILTER (WHERE maal = 'ikkevestlige') AS ikv_s
FROM kaas
GROUP BY afdeling_id, aar;

-- Area sums per list year's members and data year L-k (k = 0..4). A sum is
-- known only when every member delivered the cell unsuppressed.
CREATE TABLE sums AS
WITH size AS (SELECT area_id, list_year, count(*) AS n FROM members GROUP BY ALL),
offsets AS (SELECT CAST(range AS INTEGER) AS k FROM range(0, 5)),
joined AS (
    SELECT m.area_id, m.list_year, o.k, w.*
    FROM members m CROSS JOIN offsets o
    LEFT JOIN kaas_wide w ON w.afdeling_id = m.afdeling_id AND w.aar = m.list_year - o.k
)
SELECT j.area_id, j.list_year, j.k,
    CASE WHEN count(res) = any_value(s.n) THEN sum(res) END AS res,
    coalesce(bool_or(res_s), false) AS res_s,
    CASE WHEN count(b1864) = any_value(s.n) THEN sum(b1864) END AS b1864,
    coalesce(bool_or(b1864_s), false) AS b1864_s,
    CASE WHEN count(uden) = any_value(s.n) THEN sum(uden) END AS uden,
    coalesce(bool_or(uden_s), false) AS uden_s,
    CASE WHEN count(b18) = any_value(s.n) THEN sum(b18) END AS b18,
    coalesce(bool_or(b18_s), false) AS b18_s,
    CASE WHEN count(domte) = any_value(s.n) THEN sum(domte) END AS domte,
    coalesce(bool_or(domte_s), false) AS domte_s,
    CASE WHEN count(b3059) = any_value(s.n) THEN sum(b3059) END AS b3059,
    coalesce(bool_or(b3059_s), false) AS b3059_s,
    CASE WHEN count(grund) = any_value(s.n) THEN sum(grund) END AS grund,
    coalesce(bool_or(grund_s), false) AS grund_s,
    CASE WHEN count(uopl) = any_value(s.n) THEN sum(uopl) END AS uopl,
    coalesce(bool_or(uopl_s), false) AS uopl_s,
    CASE WHEN count(tax) = any_value(s.n) THEN sum(tax) END AS tax,
    coalesce(bool_or(tax_s), false) AS tax_s,
    CASE WHEN count(inc) = any_value(s.n) THEN sum(inc) END AS inc,
    coalesce(bool_or(inc_s), false) AS inc_s,
    CASE WHEN count(ikv) = any_value(s.n) THEN sum(ikv) END AS ikv,
    coalesce(bool_or(ikv_s), false) AS ikv_s
FROM joined j JOIN size s USING (area_id, list_year)
GROUP BY j.area_id, j.list_year, j.k;

-- mart.area_year: residents on 1 January of every data year, through that
-- year's membership; known only when every member delivered the cell.
CREATE TABLE area_year AS
WITH year_members AS (
    SELECT DISTINCT m.area_id, y.aar, m.afdeling_id
    FROM membership m
    JOIN (SELECT DISTINCT aar FROM kaas WHERE maal = 'beboere') y
      ON y.aar BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
)
SELECT y.area_id, y.aar AS year,
       CASE WHEN count(w.res) = count(*) THEN CAST(persons(sum(w.res)) AS BIGINT) END
           AS residents
FROM year_members y
LEFT JOIN kaas_wide w ON w.afdeling_id = y.afdeling_id AND w.aar = y.aar
GROUP BY y.area_id, y.aar;

-- Per area and list year: the terms every criterion needs, side by side.
CREATE TABLE terms AS
SELECT s.area_id, s.list_year, a.region_code,
    max(res) FILTER (WHERE k = 0) AS res0, bool_or(res_s) FILTER (WHERE k = 0) AS res0_s,
    max(ikv) FILTER (WHERE k = 0) AS ikv0, bool_or(ikv_s) FILTER (WHERE k = 0) AS ikv0_s,
    max(uden) FILTER (WHERE k = 1) AS uden1, max(uden) FILTER (WHERE k = 2) AS uden2,
    max(uden) FILTER (WHERE k = 3) AS uden3, max(uden) FILTER (WHERE k = 4) AS uden4,
    max(persons(b1864)) FILTER (WHERE k = 1) AS e1, max(persons(b1864)) FILTER (WHERE k = 2) AS e2,
    max(persons(b1864)) FILTER (WHERE k = 3) AS e3, max(persons(b1864)) FILTER (WHERE k = 4) AS e4,
    bool_or(uden_s OR b1864_s) FILTER (WHERE k IN (1, 2)) AS k1_2_s,
    bool_or(uden_s OR b1864_s) FILTER (WHERE k BETWEEN 1 AND 4) AS k1_4_s,
    bool_or(uden_s OR b1864_s) FILTER (WHERE k = 1) AS k1_1_s,
    max(domte) FILTER (WHERE k = 1) AS domte1, max(domte) FILTER (WHERE k = 2) AS domte2,
    max(domte) FILTER (WHERE k = 3) AS domte3, max(domte) FILTER (WHERE k = 4) AS domte4,
    max(persons(b18)) FILTER (WHERE k = 1) AS f1, max(persons(b18)) FILTER (WHERE k = 2) AS f2,
    max(persons(b18)) FILTER (WHERE k = 3) AS f3, max(persons(b18)) FILTER (WHERE k = 4) AS f4,
    bool_or(domte_s OR b18_s) FILTER (WHERE k IN (1, 2)) AS k2_2_s,
    bool_or(domte_s OR b18_s) FILTER (WHERE k BETWEEN 1 AND 4) AS k2_4_s,
    max(grund) FILTER (WHERE k = 1) AS grund1, max(uopl) FILTER (WHERE k = 1) AS uopl1,
    max(persons(b3059)) FILTER (WHERE k = 1) AS g1,
    bool_or(grund_s OR b3059_s) FILTER (WHERE k = 1) AS k3_s,
    bool_or(grund_s OR uopl_s OR b3059_s) FILTER (WHERE k = 1) AS k3_incl_s,
    max(inc) FILTER (WHERE k = 1) AS inc1, max(persons(tax)) FILTER (WHERE k = 1) AS tax1,
    bool_or(inc_s OR tax_s) FILTER (WHERE k = 1) AS k4_s
FROM sums s LEFT JOIN areas a USING (area_id)
GROUP BY s.area_id, s.list_year, a.region_code;

-- Each value as an exact fraction: percent = 100 * num / den (den > 0).
CREATE TABLE fractions AS
SELECT t.area_id, t.list_year, persons(t.res0) AS residents,
    t.res0_s, t.ikv0_s, t.k1_2_s, t.k1_4_s, t.k1_1_s, t.k2_2_s, t.k2_4_s, t.k3_s, t.k3_incl_s,
    t.k4_s,
    CASE WHEN t.e1 > 0 AND t.e2 > 0 THEN t.uden1 * t.e2 + t.uden2 * t.e1 END AS k1_2n,
    2 * 1000000 * t.e1 * t.e2 AS k1_2d,
    CASE WHEN t.e1 > 0 AND t.e2 > 0 AND t.e3 > 0 AND t.e4 > 0
         THEN t.uden1 * t.e2 * t.e3 * t.e4 + t.uden2 * t.e1 * t.e3 * t.e4
            + t.uden3 * t.e1 * t.e2 * t.e4 + t.uden4 * t.e1 * t.e2 * t.e3 END AS k1_4n,
    4 * 1000000 * t.e1 * t.e2 * t.e3 * t.e4 AS k1_4d,
    CASE WHEN t.e1 > 0 THEN t.uden1 END AS k1_1n, 1000000 * t.e1 AS k1_1d,
    CASE WHEN t.f1 > 0 AND t.f2 > 0 THEN t.domte1 * t.f2 + t.domte2 * t.f1 END AS k2_2n,
    2 * 1000000 * t.f1 * t.f2 AS k2_2d,
    CASE WHEN t.f1 > 0 AND t.f2 > 0 AND t.f3 > 0 AND t.f4 > 0
         THEN t.domte1 * t.f2 * t.f3 * t.f4 + t.domte2 * t.f1 * t.f3 * t.f4
            + t.domte3 * t.f1 * t.f2 * t.f4 + t.domte4 * t.f1 * t.f2 * t.f3 END AS k2_4n,
    4 * 1000000 * t.f1 * t.f2 * t.f3 * t.f4 AS k2_4d,
    n1.units + n2.units AS national_2,  -- sum of two national micro-percentages
    n1.units + n2.units + n3.units + n4.units AS national_4,
    CASE WHEN t.g1 > 0 THEN t.grund1 END AS k3_n,
    CASE WHEN t.g1 > 0 THEN t.grund1 + t.uopl1 END AS k3_incl_n,
    1000000 * t.g1 AS k3_d,
    CASE WHEN t.tax1 > 0 AND r.units > 0 THEN t.inc1 END AS k4_n, t.tax1 * r.units AS k4_d,
    CASE WHEN persons(t.res0) > 0 THEN t.ikv0 END AS k5_n, 1000000 * persons(t.res0) AS k5_d,
    t.uden1 / 1000000 AS k1_num, t.e1 AS k1_den, t.domte1 / 1000000 AS k2_num, t.f1 AS k2_den,
    t.grund1 / 1000000 AS k3_num, t.g1 AS k3_den,
    CASE WHEN t.tax1 > 0 THEN t.inc1 / t.tax1 / 1000000 END AS k4_num,
    r.units / 1000000 AS k4_den, t.ikv0 / 1000000 AS k5_num, persons(t.res0) AS k5_den
FROM terms t
LEFT JOIN national n1 ON n1.aar = t.list_year - 1
LEFT JOIN national n2 ON n2.aar = t.list_year - 2
LEFT JOIN national n3 ON n3.aar = t.list_year - 3
LEFT JOIN national n4 ON n4.aar = t.list_year - 4
LEFT JOIN regional r ON r.region_code = t.region_code AND r.aar = t.list_year - 1;

-- Threshold tests: percent = 100 n / d against tn / td, cross-multiplied.
CREATE MACRO above(n, d, tn, td) AS 100 * n * td > tn * d;
CREATE MACRO at_or_above(n, d, tn, td) AS 100 * n * td >= tn * d;
CREATE MACRO below(n, d, tn, td) AS 100 * n * td < tn * d;
CREATE MACRO pct(n, d) AS CAST(100 * n AS DOUBLE) / CAST(d AS DOUBLE);

CREATE TABLE tests AS
SELECT f.*,
    above(k1_4n, k1_4d, 40, 1) AS k1_4_40,
    above(k2_4n, k2_4d, 27, 10) AS k2_4_270,
    above(k1_2n, k1_2d, 40, 1) AS k1_40, above(k1_2n, k1_2d, 30, 1) AS k1_30,
    above(k2_2n, k2_2d, 27, 10) AS k2_270,
    -- "≥ 3 × the national average": 100 n / d ≥ 3 (N1 + N2) / (2 · 10^6)
    at_or_above(k2_2n, k2_2d, 3 * national_2, 2 * 1000000) AS k2_3x,
    at_or_above(k2_2n, k2_2d, 2 * national_2, 2 * 1000000) AS k2_2x,
    above(k3_incl_n, k3_d, 50, 1) AS k3_incl_50, above(k3_n, k3_d, 60, 1) AS k3_60,
    below(k4_n, k4_d, 55, 1) AS k4_55, below(k4_n, k4_d, 65, 1) AS k4_65,
    above(k5_n, k5_d, 50, 1) AS k5_50, above(k5_n, k5_d, 30, 1) AS k5_30,
    at_or_above(k1_1n, k1_1d, 40, 1) AS kombi_40, at_or_above(k1_1n, k1_1d, 30, 1) AS kombi_30,
    residents >= 1000 AS eligible
FROM fractions f;

-- mart.indicator_values: one row per area, list year, regime and criterion.
CREATE TABLE indicator_values AS
WITH v AS (
    SELECT t.*, CAST(t.list_year AS INTEGER) AS year,
        (list_year - 2) || '-' || (list_year - 1) AS years_2,
        (list_year - 4) || '-' || (list_year - 1) AS years_4,
        CAST(list_year - 1 AS VARCHAR) AS years_1, CAST(list_year AS VARCHAR) AS years_0
    FROM tests t
)
SELECT area_id, year, regime, indicator_id, value, numerator, denominator, data_years,
       threshold, meets_threshold,
       value IS NULL AND coalesce(inputs_suppressed, false) AS suppressed,
       forebyggelse_threshold, meets_forebyggelse_threshold
FROM (
    SELECT area_id, year, '2010' AS regime, 'k1_uden_tilknytning' AS indicator_id,
           pct(k1_4n, k1_4d) AS value, k1_num AS numerator, k1_den AS denominator,
           years_4 AS data_years, 40.0 AS threshold, k1_4_40 AS meets_threshold,
           k1_4_s AS inputs_suppressed, NULL::DOUBLE AS forebyggelse_threshold,
           NULL::BOOLEAN AS meets_forebyggelse_threshold FROM v
    UNION ALL SELECT area_id, year, '2010', 'k2_domte', pct(k2_4n, k2_4d), k2_num, k2_den,
           years_4, 2.7, k2_4_270, k2_4_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2010', 'k5_ikkevestlige', pct(k5_n, k5_d), k5_num, k5_den,
           years_0, 50.0, k5_50, ikv0_s OR res0_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2013', 'k1_uden_tilknytning', pct(k1_2n, k1_2d), k1_num,
           k1_den, years_2, 40.0, k1_40, k1_2_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2013', 'k2_domte', pct(k2_2n, k2_2d), k2_num, k2_den,
           years_2, 2.7, k2_270, k2_2_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2013', 'k3_grundskole', pct(k3_incl_n, k3_d), k3_num,
           k3_den, years_1, 50.0, k3_incl_50, k3_incl_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2013', 'k4_indkomst', pct(k4_n, k4_d), k4_num, k4_den,
           years_1, 55.0, k4_55, k4_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, '2013', 'k5_ikkevestlige', pct(k5_n, k5_d), k5_num, k5_den,
           years_0, 50.0, k5_50, ikv0_s OR res0_s, NULL, NULL FROM v
    UNION ALL SELECT area_id, year, r.regime, 'k1_uden_tilknytning', pct(k1_2n, k1_2d), k1_num,
           k1_den, years_2, 40.0, k1_40, k1_2_s,
           CASE WHEN r.regime = '2021' THEN 30.0 END, CASE WHEN r.regime = '2021' THEN k1_30 END
           FROM v, (VALUES ('2018'), ('2021')) r(regime)
    UNION ALL SELECT area_id, year, r.regime, 'k2_domte', pct(k2_2n, k2_2d), k2_num, k2_den,
           years_2, 3 * national_2 / 2e6, k2_3x, k2_2_s,
           CASE WHEN r.regime = '2021' THEN 2 * national_2 / 2e6 END,
           CASE WHEN r.regime = '2021' THEN k2_2x END
           FROM v, (VALUES ('2018'), ('2021')) r(regime)
    UNION ALL SELECT area_id, year, r.regime, 'k3_grundskole', pct(k3_n, k3_d), k3_num, k3_den,
           years_1, 60.0, k3_60, k3_s, CASE WHEN r.regime = '2021' THEN 60.0 END,
           CASE WHEN r.regime = '2021' THEN k3_60 END
           FROM v, (VALUES ('2018'), ('2021')) r(regime)
    UNION ALL SELECT area_id, year, r.regime, 'k4_indkomst', pct(k4_n, k4_d), k4_num, k4_den,
           years_1, 55.0, k4_55, k4_s, CASE WHEN r.regime = '2021' THEN 65.0 END,
           CASE WHEN r.regime = '2021' THEN k4_65 END
           FROM v, (VALUES ('2018'), ('2021')) r(regime)
    UNION ALL SELECT area_id, year, r.regime, 'k5_ikkevestlige', pct(k5_n, k5_d), k5_num,
           k5_den, years_0, 50.0, k5_50, ikv0_s OR res0_s,
           CASE WHEN r.regime = '2021' THEN 30.0 END, CASE WHEN r.regime = '2021' THEN k5_30 END
           FROM v, (VALUES ('2018'), ('2021')) r(regime)
);

-- Statuses before look-back. "At least k of n" is three-valued by counting
-- criteria known met and unknown. Forebyggelse needs two of four at the
-- forebyggelse level while fewer than two reach the udsat level, over the
-- same criteria: it is decided by which levels each criterion can still take
-- (0 below both, 1 forebyggelse only, 2 udsat; K3 from 2021 has one cut, so
-- an unknown K3 is 0 or 2).
CREATE TABLE levels AS
SELECT t.*,
    -- can be at level 0 / 1 / 2, per social criterion under the 2021 rules
    NOT coalesce(k1_40, false) AND NOT coalesce(k1_30, false) AS c1_0,
    NOT coalesce(k1_40, false) AND coalesce(k1_30, true) AS c1_1,
    coalesce(k1_40, true) AND coalesce(k1_30, true) AS c1_2,
    NOT coalesce(k2_3x, false) AND NOT coalesce(k2_2x, false) AS c2_0,
    NOT coalesce(k2_3x, false) AND coalesce(k2_2x, true) AS c2_1,
    coalesce(k2_3x, true) AND coalesce(k2_2x, true) AS c2_2,
    NOT coalesce(k3_60, false) AS c3_0, false AS c3_1, coalesce(k3_60, true) AS c3_2,
    NOT coalesce(k4_55, false) AND NOT coalesce(k4_65, false) AS c4_0,
    NOT coalesce(k4_55, false) AND coalesce(k4_65, true) AS c4_1,
    coalesce(k4_55, true) AND coalesce(k4_65, true) AS c4_2
FROM tests t;

CREATE TABLE own_status AS
WITH per_regime AS (
    SELECT area_id, list_year AS year, '2010' AS regime, residents, eligible,
        n_true(k1_4_40) + n_true(k2_4_270) + n_true(k5_50) AS criteria_met,
        NULL::BOOLEAN AS udsat,
        eligible AND at_least(2, n_true(k1_4_40) + n_true(k2_4_270) + n_true(k5_50),
                              n_null(k1_4_40) + n_null(k2_4_270) + n_null(k5_50))
            AS parallelsamfund,
        NULL::BOOLEAN AS forebyggelsesomraade,
        FALSE AS has_lookback
    FROM levels
    UNION ALL
    SELECT area_id, list_year, '2013', residents, eligible,
        n_true(k1_40) + n_true(k2_270) + n_true(k3_incl_50) + n_true(k4_55) + n_true(k5_50),
        NULL::BOOLEAN,
        eligible AND at_least(3, n_true(k1_40) + n_true(k2_270) + n_true(k3_incl_50)
                                 + n_true(k4_55) + n_true(k5_50),
                              n_null(k1_40) + n_null(k2_270) + n_null(k3_incl_50)
                                 + n_null(k4_55) + n_null(k5_50)),
        NULL::BOOLEAN, FALSE
    FROM levels
    UNION ALL
    SELECT area_id, list_year, r.regime, residents, eligible,
        n_true(k1_40) + n_true(k2_3x) + n_true(k3_60) + n_true(k4_55),
        eligible AND at_least(2, n_true(k1_40) + n_true(k2_3x) + n_true(k3_60) + n_true(k4_55),
                              n_null(k1_40) + n_null(k2_3x) + n_null(k3_60) + n_null(k4_55)),
        NULL::BOOLEAN,  -- parallelsamfund follows from udsat below
        CASE WHEN r.regime = '2021' THEN
            CASE WHEN NOT (coalesce(eligible, true) AND coalesce(k5_30, true)
                           AND forced_2 < 2 AND best_fb >= 2) THEN FALSE
                 WHEN NOT coalesce(eligible, false) OR NOT coalesce(k5_30, false)
                      OR least_fb < 2 OR most_main >= 2 THEN NULL
                 ELSE TRUE END
        END,
        TRUE
    FROM (
        SELECT l.*,
            CAST(c1_2 AND NOT c1_0 AND NOT c1_1 AS INTEGER)
              + CAST(c2_2 AND NOT c2_0 AND NOT c2_1 AS INTEGER)
              + CAST(c3_2 AND NOT c3_0 AND NOT c3_1 AS INTEGER)
              + CAST(c4_2 AND NOT c4_0 AND NOT c4_1 AS INTEGER) AS forced_2,
            CAST(NOT c1_0 AS INTEGER) + CAST(NOT c2_0 AS INTEGER) + CAST(NOT c3_0 AS INTEGER)
              + CAST(NOT c4_0 AS INTEGER) AS least_fb,
            CAST(c1_2 AS INTEGER) + CAST(c2_2 AS INTEGER) + CAST(c3_2 AS INTEGER)
              + CAST(c4_2 AS INTEGER) AS most_main
        FROM levels l
    ) l
    CROSS JOIN (VALUES ('2018'), ('2021')) r(regime)
    CROSS JOIN LATERAL (
        -- the most criteria at level >= 1 with at most one at level 2
        SELECT CAST(c1_1 AS INTEGER) + CAST(c2_1 AS INTEGER) + CAST(c3_1 AS INTEGER)
                 + CAST(c4_1 AS INTEGER) + l.forced_2
                 + CASE WHEN l.forced_2 = 0 AND ((c1_2 AND c1_0 AND NOT c1_1)
                        OR (c2_2 AND c2_0 AND NOT c2_1) OR (c3_2 AND c3_0 AND NOT c3_1)
                        OR (c4_2 AND c4_0 AND NOT c4_1)) THEN 1 ELSE 0 END AS best_fb
    )
)
SELECT p.*,
    CASE WHEN p.regime IN ('2018', '2021') THEN p.udsat AND l.k5_50 ELSE p.parallelsamfund END
        AS parallelsamfund_now,
    l.kombi_40, l.kombi_30
FROM per_regime p JOIN levels l ON l.area_id = p.area_id AND l.list_year = p.year;

-- mart.area_status: omdannelse looks back four lists, each under the rules then
-- in force (a list year before 2010, or without the area, counts as not held).
CREATE TABLE area_status AS
WITH headline AS (
    SELECT area_id, year, parallelsamfund_now AS held FROM own_status
    WHERE regime = regime_in_force(year)
)
SELECT s.area_id, s.year, s.regime, CAST(s.residents AS BIGINT) AS residents, s.eligible,
    CAST(s.criteria_met AS INTEGER) AS criteria_met, s.udsat,
    s.parallelsamfund_now AS parallelsamfund,
    CASE WHEN s.has_lookback THEN
        s.parallelsamfund_now
        AND CASE WHEN h1.area_id IS NULL THEN false ELSE h1.held END
        AND CASE WHEN h2.area_id IS NULL THEN false ELSE h2.held END
        AND CASE WHEN h3.area_id IS NULL THEN false ELSE h3.held END
        AND CASE WHEN h4.area_id IS NULL THEN false ELSE h4.held END END AS omdannelsesomraade,
    s.forebyggelsesomraade,
    s.eligible AND (s.kombi_40 OR (s.residents >= 5000 AND s.kombi_30)) AS kombineret_udlejning
FROM own_status s
LEFT JOIN headline h1 ON h1.area_id = s.area_id AND h1.year = s.year - 1
LEFT JOIN headline h2 ON h2.area_id = s.area_id AND h2.year = s.year - 2
LEFT JOIN headline h3 ON h3.area_id = s.area_id AND h3.year = s.year - 3
LEFT JOIN headline h4 ON h4.area_id = s.area_id AND h4.year = s.year - 4;
