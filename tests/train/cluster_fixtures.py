"""TF-recorded values of tests/data/cluster_tf1.json (written by tests/data/make_cluster_fixtures.py)."""
import json
import os

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "cluster_tf1.json")
with open(_PATH) as _f:
    TF1 = json.load(_f)
