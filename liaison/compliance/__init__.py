"""The compliance engine of spec/compliance.md, in three floors that import downwards only:

- registry: what the apps declare (metrics with their default quotas, labels and units; row
  sources for the metrics that are not pro-rated; places visited for 三走遍);
- engine: the window, pro-rating, status, the quota table and `compute_compliance`, which runs
  every registered metric and row source;
- queries: aggregation helpers the apps' metrics.py files share (distinct days, counts, rate
  periods of positions and assignments).

The core's own metrics (walkthrough, coverage) live in liaison/metrics.py and register exactly
as an app's metrics.py does.
"""
