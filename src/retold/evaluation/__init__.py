"""Measuring retold: labelled pairs from development data, calibration, metrics."""
