"""The Curves page: ROC, precision-recall, gains, lift, KS, DET, calibration, threshold table."""
