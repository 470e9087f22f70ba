"""Speed and memory benchmarks: `make bench` runs every module here that has a main()."""
