"""Scale and speed benchmarks: a national-scale data generator, the benchmark command and
its hand-written DuckDB baseline (benchmarks/README.md)."""
