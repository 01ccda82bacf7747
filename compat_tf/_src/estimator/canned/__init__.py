"""TF 1.15's canned estimators (tensorflow_estimator/python/estimator/canned, the v1 classes)."""
