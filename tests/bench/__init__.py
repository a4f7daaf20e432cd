"""The benchmark's machinery (bench/): corpus, statistics, wrk and soak runs."""
