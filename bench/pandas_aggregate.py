"""The pandas side of bench/jmeter-aggregation.js: the same numbers as ci-connect's jmeter
provider (default indicators over all samples, p95 per label), computed the way a competent
pandas user would: only the needed columns (usecols), labels as a categorical, numpy's default
linear quantiles. Prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/pandas_aggregate.py results.jtl
"""
import json
import resource
import sys
import time

import pandas as pd

QUANTILES = [0.5, 0.9, 0.95, 0.99]


def aggregate(path):
    df = pd.read_csv(
        path,
        usecols=["timeStamp", "elapsed", "label", "success"],
        dtype={"timeStamp": "int64", "elapsed": "int64", "label": "category"},
        engine="c",
    )
    if df["success"].dtype != bool:
        df["success"] = df["success"].astype(str).str.lower() == "true"
    elapsed = df["elapsed"]
    samples = len(df)
    failed = int((~df["success"]).sum())
    span_ms = int((df["timeStamp"] + elapsed).max() - df["timeStamp"].min())
    quantiles = elapsed.quantile(QUANTILES).tolist()
    per_label = df.groupby("label", observed=True)["elapsed"].quantile(0.95)
    return {
        "samples": samples,
        "errors": failed,
        "error_rate": 100 * failed / samples,
        "throughput": samples / (span_ms / 1000),
        "avg": float(elapsed.mean()),
        "min": int(elapsed.min()),
        "max": int(elapsed.max()),
        "p50": quantiles[0],
        "p90": quantiles[1],
        "p95": quantiles[2],
        "p99": quantiles[3],
        "p95_by_label": {str(k): float(v) for k, v in per_label.items()},
    }


def main():
    started = time.perf_counter()
    result = aggregate(sys.argv[1])
    result["work_seconds"] = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    result["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
